// What a subscriber does with a job that must wait: a message not due yet is held,
// redelivered or re-published; a deferred run (long Retry-After, usage budget) is
// re-published with notBefore under its original run id, up to a bound of deferrals.
import type { RunSummary } from '../../core/runner.js';
import { errorMessage } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { JobMessage } from '../../platform/queue.js';
import type { Services } from '../../platform/runtime.js';
import type { SubscriberConfig } from './config.js';
import type { PubSubDelivery } from './envelope.js';

/** Attribute Cloud Scheduler sets on the messages it publishes: the schedule id. */
export const SCHEDULE_ATTRIBUTE = 'fanpulse-schedule';
/** Attribute a planner or a re-publication sets to keep the run id of the original run. */
export const RUN_ID_ATTRIBUTE = 'fanpulse-run-id';
/** Attribute that keeps the run time (raw object names, collected_at) across re-publications. */
export const RUN_TIME_ATTRIBUTE = 'fanpulse-run-time';
/** Attribute naming the message a re-published one replaces (for tracing in logs). */
export const REPUBLISHED_FROM_ATTRIBUTE = 'fanpulse-republished-from';

export type Disposition =
  | 'ran'
  | 'rejected'
  | 'undecodable'
  | 'wrong-function'
  | 'permanent'
  | 'transient'
  | 'deferred'
  | 'gave-up'
  | 'not-due-redeliver'
  | 'not-due-republished';

export interface DeliveryResult {
  action: 'ack' | 'retry';
  disposition: Disposition;
  messageId: string | null;
  runId: string | null;
  summary: RunSummary | null;
  /** Message id of the re-published job (deferrals, long waits). */
  republishedId: string | null;
  reason: string | null;
}

export interface RunIdentityOfDelivery {
  runId: string;
  runTime: Date;
}

function republishAttributes(
  delivery: PubSubDelivery,
  identity: RunIdentityOfDelivery,
): Record<string, string> {
  return {
    [RUN_ID_ATTRIBUTE]: identity.runId,
    [RUN_TIME_ATTRIBUTE]: identity.runTime.toISOString(),
    [REPUBLISHED_FROM_ATTRIBUTE]: delivery.messageId,
  };
}

/** The run id travels as an attribute; a body runId would be a planner's dedupe key. */
function withoutRunId(message: JobMessage): JobMessage {
  const copy = { ...message };
  delete copy.runId;
  return copy;
}

/**
 * Publishes `message` again under the delivery's run identity, flushes, and logs either
 * outcome. Returns the new message id, or the error's message when the publish failed
 * (the caller then lets Pub/Sub redeliver).
 */
async function republish(
  services: Services,
  log: Logger,
  delivery: PubSubDelivery,
  identity: RunIdentityOfDelivery,
  message: JobMessage,
  logged: {
    done: string;
    failed: string;
    fields: Record<string, unknown>;
    /** Fields of the failure log when they differ from `fields`. */
    failedFields?: Record<string, unknown>;
  },
): Promise<{ id: string } | { error: string }> {
  try {
    const queue = await services.queue();
    const id = await queue.publish(message, {
      attributes: republishAttributes(delivery, identity),
    });
    await queue.flush();
    log.notice(logged.done, { ...logged.fields, republished_id: id });
    return { id };
  } catch (error) {
    log.error(logged.failed, { ...(logged.failedFields ?? logged.fields), error });
    return { error: errorMessage(error) };
  }
}

export async function notDueYet(
  services: Services,
  log: Logger,
  config: SubscriberConfig,
  delivery: PubSubDelivery,
  message: JobMessage,
  identity: RunIdentityOfDelivery,
  waitMs: number,
): Promise<Pick<DeliveryResult, 'action' | 'disposition' | 'republishedId' | 'reason'> | null> {
  const fields = { job: message.job, not_before: message.notBefore, wait_ms: waitMs };
  const holdMs = Math.min(config.holdSeconds * 1000, services.config.runBudgetSeconds * 500);
  if (waitMs <= holdMs) {
    log.info('holding a job message until it is due', fields);
    await services.clock.sleep(waitMs);
    return null;
  }
  const now = services.clock.now().getTime();
  const ageMs = now - (delivery.publishTime?.getTime() ?? now);
  if (ageMs < config.nackWindowSeconds * 1000) {
    const reason = `not due until ${message.notBefore}`;
    log.notice('job message not due yet; Pub/Sub will redeliver it', { ...fields, age_ms: ageMs });
    return { action: 'retry', disposition: 'not-due-redeliver', republishedId: null, reason };
  }
  const out = await republish(services, log, delivery, identity, withoutRunId(message), {
    done: 'job message not due yet; re-published as a fresh message',
    failed: 'could not re-publish a job message that is not due; Pub/Sub will redeliver it',
    fields,
  });
  if ('id' in out)
    return {
      action: 'ack',
      disposition: 'not-due-republished',
      republishedId: out.id,
      reason: null,
    };
  return {
    action: 'retry',
    disposition: 'not-due-redeliver',
    republishedId: null,
    reason: out.error,
  };
}

export async function defer(
  services: Services,
  log: Logger,
  config: SubscriberConfig,
  delivery: PubSubDelivery,
  message: JobMessage | null,
  identity: RunIdentityOfDelivery,
  summary: RunSummary,
): Promise<DeliveryResult> {
  const base = {
    messageId: delivery.messageId,
    runId: identity.runId,
    summary,
    reason: summary.error,
  };
  const deferrals = (message?.attempt ?? 0) + 1;
  if (!message || deferrals > config.maxDeferrals) {
    log.alert('job run deferred too often; given up until its next schedule', {
      job: summary.job,
      deferrals: deferrals - 1,
      max_deferrals: config.maxDeferrals,
      error: summary.error,
    });
    return { ...base, action: 'ack', disposition: 'gave-up', republishedId: null };
  }
  const waitSeconds = Math.min(
    summary.retryAfterSeconds ?? config.deferDefaultSeconds,
    config.deferMaxSeconds,
  );
  const notBefore = new Date(services.clock.now().getTime() + waitSeconds * 1000).toISOString();
  const out = await republish(
    services,
    log,
    delivery,
    identity,
    { ...withoutRunId(message), attempt: deferrals, notBefore },
    {
      done: 'deferred job run re-published for later',
      failed: 'could not re-publish a deferred run; Pub/Sub will redeliver it',
      fields: { job: summary.job, not_before: notBefore, deferrals },
      failedFields: { job: summary.job },
    },
  );
  if ('id' in out)
    return { ...base, action: 'ack', disposition: 'deferred', republishedId: out.id };
  return {
    ...base,
    action: 'retry',
    disposition: 'transient',
    republishedId: null,
    reason: out.error,
  };
}
