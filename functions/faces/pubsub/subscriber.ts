// What a Pub/Sub-triggered function does with one delivery. Acknowledging means returning
// normally (HTTP 2xx); asking Pub/Sub to redeliver means throwing (HTTP 500), after which
// the subscription's retry policy backs off and its dead-letter policy ends the attempts.
//
//   undecodable delivery, non-JSON data, malformed or unknown job, invalid params
//                                        → ERROR log once, acknowledged
//   job of another source (wrong topic)  → ERROR log, acknowledged
//   permanent failure (credentials, 190) → ALERT log, acknowledged
//   transient failure (network, 5xx)     → redelivered (throw)
//   deferred (long Retry-After, budget)  → re-published with notBefore, acknowledged
//   notBefore in the future              → held if due soon, else redelivered while young,
//                                          else re-published unchanged (docs/pubsub.md)
//   run already completed (redelivery)   → acknowledged without calling the source
import type { CloudEvent } from '@google-cloud/functions-framework';
import { functionCatalog, type JobCatalog } from '../../core/catalog.js';
import { runJobMessage, type RunSummary } from '../../core/runner.js';
import { loadSource, type SourceEntry } from '../../core/source.js';
import { lazy } from '../../platform/lazy.js';
import { errorMessage, failureKindOf } from '../../platform/errors.js';
import { createLogger, type Logger } from '../../platform/logger.js';
import { jobMessageSchema, sourceOfJob, type JobMessage } from '../../platform/queue.js';
import type { Services } from '../../platform/runtime.js';
import { subscriberConfigOf, type SubscriberConfig } from './config.js';
import { runIdentityOf } from './run-identity.js';
import { registry as sourceRegistry } from '../../sources/registry.js';
import { decodePubSubEvent, readJson, type PubSubDelivery } from './envelope.js';
import { processServices } from '../process-services.js';
import { defer, notDueYet, SCHEDULE_ATTRIBUTE } from './republish.js';
import type { DeliveryResult, Disposition, RunIdentityOfDelivery } from './republish.js';

export { runIdentityOf } from './run-identity.js';
export {
  REPUBLISHED_FROM_ATTRIBUTE,
  RUN_ID_ATTRIBUTE,
  RUN_TIME_ATTRIBUTE,
  SCHEDULE_ATTRIBUTE,
  type DeliveryResult,
  type Disposition,
  type RunIdentityOfDelivery,
} from './republish.js';

// DuckDB takes one writer: runs served by one local process take turns. (In the cloud the
// warehouse is BigQuery and each instance handles one delivery at a time anyway.)
let turn: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const next = turn.then(work, work);
  turn = next.catch(() => undefined);
  return next;
}

export interface HandleOptions {
  config?: SubscriberConfig;
}

/** The function of one source: its name (the topic it consumes) and the jobs it runs. */
export interface Subscriber {
  source: string;
  catalog: JobCatalog;
}

function result(
  action: DeliveryResult['action'],
  disposition: Disposition,
  extra: Partial<DeliveryResult> = {},
): DeliveryResult {
  return {
    action,
    disposition,
    messageId: null,
    runId: null,
    summary: null,
    republishedId: null,
    reason: null,
    ...extra,
  };
}

/** One decoded delivery and what its log lines and results carry. */
interface Delivered {
  delivery: PubSubDelivery;
  json: ReturnType<typeof readJson>;
  identity: RunIdentityOfDelivery;
  base: { messageId: string; runId: string };
  where: Record<string, unknown>;
  dlog: Logger;
  /** When the delivery was taken in (due times are measured from it). */
  now: Date;
}

/** Handles one delivery for the function of `source`; never throws for a job's failure. */
export async function handleDelivery(
  services: Services,
  { source, catalog }: Subscriber,
  event: unknown,
  options: HandleOptions = {},
): Promise<DeliveryResult> {
  const config = options.config ?? subscriberConfigOf(services);
  const log = services.log.child({ subscriber: source });
  const decoded = decode(services, config, log, event);
  if ('action' in decoded) return decoded;
  const { delivery, json, identity, base, dlog } = decoded;
  if (!json.ok) {
    dlog.error('job message rejected', {
      ...decoded.where,
      outcome: 'rejected',
      reason: json.reason,
      data_sample: delivery.data.toString('utf8').slice(0, 200),
    });
    return result('ack', 'rejected', { ...base, reason: json.reason });
  }

  // A well-formed message is checked for its topic and due time here; a malformed one goes
  // to runJobMessage, which rejects it with one error line.
  const light = jobMessageSchema.safeParse(json.value);
  const message: JobMessage | null = light.success ? light.data : null;
  let heldMs = 0;
  if (message) {
    const due = await routeAndWait(services, config, source, decoded, message);
    if ('action' in due) return due;
    heldMs = due.heldMs;
  }

  const summary = await run(services, catalog, decoded, json.value, heldMs);
  if ('action' in summary) return summary;
  const withSummary = { ...base, summary, reason: summary.error };
  switch (summary.outcome) {
    case 'succeeded':
      return result('ack', 'ran', withSummary);
    case 'rejected':
      return result('ack', 'rejected', withSummary);
    case 'deferred':
      return defer(services, dlog, config, delivery, message, identity, summary);
    case 'failed':
      if (summary.failureKind === 'permanent') return result('ack', 'permanent', withSummary);
      if (summary.failureKind === 'invalid-input') return result('ack', 'rejected', withSummary);
      return result('retry', 'transient', withSummary);
  }
}

/** The delivery decoded, with its run identity; an undecodable one is acknowledged. */
function decode(
  services: Services,
  config: SubscriberConfig,
  log: Logger,
  event: unknown,
): Delivered | DeliveryResult {
  let delivery: PubSubDelivery;
  try {
    delivery = decodePubSubEvent(event);
  } catch (error) {
    const reason = errorMessage(error);
    log.error('undecodable Pub/Sub delivery acknowledged', {
      outcome: 'rejected',
      reason,
      event_sample: sample(event),
    });
    return result('ack', 'undecodable', { reason });
  }
  const now = services.clock.now();
  const json = readJson(delivery);
  const identity = runIdentityOf(delivery, json.ok ? json.value : undefined, config, now);
  return {
    now,
    delivery,
    json,
    identity,
    base: { messageId: delivery.messageId, runId: identity.runId },
    where: {
      message_id: delivery.messageId,
      topic: delivery.topic,
      subscription: delivery.subscription,
      publish_time: delivery.publishTime?.toISOString() ?? null,
      delivery_attempt: delivery.deliveryAttempt,
      schedule: delivery.attributes[SCHEDULE_ATTRIBUTE] ?? null,
    },
    dlog: log.child({ run_id: identity.runId }),
  };
}

/**
 * A job of another source is acknowledged; one not due yet is held (how long, returned),
 * redelivered or re-published (docs/pubsub.md).
 */
async function routeAndWait(
  services: Services,
  config: SubscriberConfig,
  source: string,
  { delivery, identity, base, where, dlog, now }: Delivered,
  message: JobMessage,
): Promise<DeliveryResult | { heldMs: number }> {
  const jobSource = sourceOfJob(message.job);
  if (jobSource !== source) {
    const reason = `job ${message.job} belongs to the ${jobSource} function, not ${source}`;
    dlog.error('job for another function acknowledged', {
      ...where,
      job: message.job,
      outcome: 'rejected',
      reason,
    });
    return result('ack', 'wrong-function', { ...base, reason });
  }
  if (!message.notBefore) return { heldMs: 0 };
  const waitMs = Date.parse(message.notBefore) - now.getTime();
  if (waitMs <= 0) return { heldMs: 0 };
  const early = await notDueYet(services, dlog, config, delivery, message, identity, waitMs);
  if (early) return result(early.action, early.disposition, { ...base, ...early });
  return { heldMs: waitMs };
}

/** Runs the job (one at a time on DuckDB); the platform failing around it is a result. */
async function run(
  services: Services,
  catalog: JobCatalog,
  { delivery, identity, base, where, dlog }: Delivered,
  body: unknown,
  heldMs: number,
): Promise<RunSummary | DeliveryResult> {
  try {
    const start = () =>
      runJobMessage(catalog, services, body, {
        runId: identity.runId,
        runTime: identity.runTime,
        attempt: delivery.deliveryAttempt ?? 1,
        budgetMs: Math.max(1000, services.config.runBudgetSeconds * 1000 - heldMs),
      });
    return await (services.config.warehouse === 'duckdb' ? oneAtATime(start) : start());
  } catch (error) {
    // runJobMessage reports job failures in its summary; this is the platform failing
    // around it (state or warehouse unreachable, misconfiguration).
    const kind = failureKindOf(error);
    const fields = { ...where, outcome: 'failed', failure_kind: kind, error };
    if (kind === 'permanent') {
      dlog.alert('job run could not start; acknowledged', fields);
      return result('ack', 'permanent', { ...base, reason: errorMessage(error) });
    }
    if (kind === 'invalid-input') {
      dlog.error('job run could not start; acknowledged', fields);
      return result('ack', 'rejected', { ...base, reason: errorMessage(error) });
    }
    dlog.error('job run could not start; Pub/Sub will redeliver', fields);
    return result('retry', 'transient', { ...base, reason: errorMessage(error) });
  }
}

function sample(event: unknown): string {
  try {
    return JSON.stringify(event).slice(0, 300);
  } catch {
    return String(event).slice(0, 300);
  }
}

/** Thrown to make functions-framework answer 500 so Pub/Sub redelivers; one short line. */
export class RedeliverError extends Error {
  constructor(result: DeliveryResult) {
    super(
      `redeliver message ${result.messageId ?? '?'} (run ${result.runId ?? '?'}): ${result.disposition}${result.reason ? `: ${result.reason}` : ''}`,
    );
    this.name = 'RedeliverError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * The CloudEvent entry point of one source's function, on the per-process services. It
 * loads that source's module from the registry, and no other source's.
 */
export function jobSubscriber(
  source: string,
  registry: readonly SourceEntry[] = sourceRegistry,
): (event: CloudEvent<unknown>) => Promise<void> {
  const catalogOfSource = lazy(async () => {
    const own = await loadSource(registry, source);
    if (!own) throw new Error(`no source ${source} in the registry`);
    return functionCatalog(registry, own);
  });
  return async (event: CloudEvent<unknown>) => {
    let services: Services;
    let catalog: Awaited<ReturnType<typeof catalogOfSource>>;
    try {
      catalog = await catalogOfSource();
      services = processServices(catalog.schema);
    } catch (error) {
      // Misconfigured: keep the message (redelivery, then the dead-letter topic) and alert.
      createLogger().alert('function configuration is invalid; Pub/Sub will redeliver', {
        subscriber: source,
        error: errorMessage(error),
      });
      throw error;
    }
    let outcome: DeliveryResult;
    try {
      outcome = await handleDelivery(services, { source, catalog }, event);
    } catch (error) {
      services.log.error('delivery handling failed; Pub/Sub will redeliver', { error });
      throw error;
    }
    if (outcome.action === 'retry') throw new RedeliverError(outcome);
  };
}
