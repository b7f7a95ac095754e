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
import { createLogger } from '../../platform/logger.js';
import { compactTimestamp } from '../../platform/raw-landing.js';
import {
  jobMessageSchema,
  RUN_ID_PATTERN,
  sourceOfJob,
  type JobMessage,
} from '../../platform/queue.js';
import type { Services } from '../../platform/runtime.js';
import { loadSubscriberConfig, type SubscriberConfig } from './config.js';
import { registry as sourceRegistry } from '../../sources/registry.js';
import { decodePubSubEvent, readJson, type PubSubDelivery } from './envelope.js';
import { processServices } from '../process-services.js';
import {
  defer,
  notDueYet,
  RUN_ID_ATTRIBUTE,
  RUN_TIME_ATTRIBUTE,
  SCHEDULE_ATTRIBUTE,
} from './republish.js';
import type { DeliveryResult, Disposition, RunIdentityOfDelivery } from './republish.js';

export {
  REPUBLISHED_FROM_ATTRIBUTE,
  RUN_ID_ATTRIBUTE,
  RUN_TIME_ATTRIBUTE,
  SCHEDULE_ATTRIBUTE,
  type DeliveryResult,
  type Disposition,
  type RunIdentityOfDelivery,
} from './republish.js';

/**
 * The run a delivery belongs to: a run id a planner or a re-publication put in the
 * `fanpulse-run-id` attribute (or the message's own runId), else the Pub/Sub message id,
 * which every redelivery repeats. The run time is the publish time, also repeated.
 * The emulator numbers messages 1, 2, 3... again after each start, so there the message id
 * is qualified with the publish time, or a fresh emulator would meet "completed" runs.
 */
export function runIdentityOf(
  delivery: PubSubDelivery,
  body: unknown,
  config: Pick<SubscriberConfig, 'emulator'>,
  now: Date,
): RunIdentityOfDelivery {
  const fromAttribute = delivery.attributes[RUN_ID_ATTRIBUTE];
  const fromBody =
    typeof body === 'object' && body !== null && 'runId' in body
      ? (body as { runId: unknown }).runId
      : undefined;
  const publishTime = delivery.publishTime ?? null;
  let runId: string;
  if (fromAttribute && RUN_ID_PATTERN.test(fromAttribute)) runId = fromAttribute;
  else if (typeof fromBody === 'string' && RUN_ID_PATTERN.test(fromBody)) runId = fromBody;
  else if (config.emulator && publishTime)
    runId = `emu-${compactTimestamp(publishTime)}-${delivery.messageId}`;
  else runId = delivery.messageId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
  const attributeTime = new Date(delivery.attributes[RUN_TIME_ATTRIBUTE] ?? '');
  const runTime = !Number.isNaN(attributeTime.getTime()) ? attributeTime : (publishTime ?? now);
  return { runId, runTime };
}

// DuckDB takes one writer: runs served by one local process take turns. (In the cloud the
// warehouse is BigQuery and each instance handles one delivery at a time anyway.)
let turn: Promise<unknown> = Promise.resolve();
// The subscriber settings come from env, which does not change for a Services: read once.
const configs = new WeakMap<Services, SubscriberConfig>();
function subscriberConfigOf(services: Services): SubscriberConfig {
  let config = configs.get(services);
  if (!config) {
    config = loadSubscriberConfig(services.env);
    configs.set(services, config);
  }
  return config;
}

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

/** Handles one delivery for the function of `source`; never throws for a job's failure. */
export async function handleDelivery(
  services: Services,
  { source, catalog }: Subscriber,
  event: unknown,
  options: HandleOptions = {},
): Promise<DeliveryResult> {
  const config = options.config ?? subscriberConfigOf(services);
  const log = services.log.child({ subscriber: source });
  const result = (
    action: DeliveryResult['action'],
    disposition: Disposition,
    extra: Partial<DeliveryResult> = {},
  ): DeliveryResult => ({
    action,
    disposition,
    messageId: null,
    runId: null,
    summary: null,
    republishedId: null,
    reason: null,
    ...extra,
  });

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

  const where = {
    message_id: delivery.messageId,
    topic: delivery.topic,
    subscription: delivery.subscription,
    publish_time: delivery.publishTime?.toISOString() ?? null,
    delivery_attempt: delivery.deliveryAttempt,
    schedule: delivery.attributes[SCHEDULE_ATTRIBUTE] ?? null,
  };
  const now = services.clock.now();
  const json = readJson(delivery);
  const identity = runIdentityOf(delivery, json.ok ? json.value : undefined, config, now);
  const base = { messageId: delivery.messageId, runId: identity.runId };
  const dlog = log.child({ run_id: identity.runId });

  if (!json.ok) {
    dlog.error('job message rejected', {
      ...where,
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
    if (message.notBefore) {
      const waitMs = Date.parse(message.notBefore) - now.getTime();
      if (waitMs > 0) {
        const early = await notDueYet(services, dlog, config, delivery, message, identity, waitMs);
        if (early) return result(early.action, early.disposition, { ...base, ...early });
        heldMs = waitMs;
      }
    }
  }

  let summary: RunSummary;
  try {
    const run = () =>
      runJobMessage(catalog, services, json.value, {
        runId: identity.runId,
        runTime: identity.runTime,
        attempt: delivery.deliveryAttempt ?? 1,
        budgetMs: Math.max(1000, services.config.runBudgetSeconds * 1000 - heldMs),
      });
    summary = await (services.config.warehouse === 'duckdb' ? oneAtATime(run) : run());
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
