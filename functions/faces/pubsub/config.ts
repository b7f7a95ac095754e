// Settings of the Pub/Sub subscriber functions: how long a not-yet-due message may be held,
// how deferrals are re-published and bounded. Defaults suit Cloud Functions with a 540 s
// timeout and a Pub/Sub retry policy of 10 s..600 s (docs/pubsub.md explains each one).
import { z } from 'zod';
import { nonNegativeInt, parseEnv, positiveInt, type Env } from '../../platform/env.js';

const schema = z.object({
  FANPULSE_NOT_BEFORE_HOLD_SECONDS: nonNegativeInt.default(20),
  FANPULSE_NOT_BEFORE_NACK_WINDOW_SECONDS: nonNegativeInt.default(300),
  FANPULSE_DEFER_DEFAULT_SECONDS: positiveInt.default(300),
  FANPULSE_DEFER_MAX_SECONDS: positiveInt.default(86_400),
  FANPULSE_MAX_DEFERRALS: nonNegativeInt.default(6),
  PUBSUB_EMULATOR_HOST: z.string().optional(),
});

export interface SubscriberConfig {
  /** A message due within this many seconds is held in the function, then run. */
  holdSeconds: number;
  /**
   * A message due later is refused (HTTP 500, so Pub/Sub redelivers it after its retry
   * backoff) while younger than this; older, it is re-published as a fresh message so the
   * waiting never uses up the dead-letter policy's delivery attempts.
   */
  nackWindowSeconds: number;
  /** Wait asked of a deferred run that did not say how long (no Retry-After). */
  deferDefaultSeconds: number;
  /** Longest wait a deferral may ask for; longer Retry-After values are capped. */
  deferMaxSeconds: number;
  /** Deferrals of one run before it is given up with an ALERT (the next schedule catches up). */
  maxDeferrals: number;
  /** Served by the Pub/Sub emulator, whose message ids restart at 1 on every start. */
  emulator: boolean;
}

export function loadSubscriberConfig(env: Env): SubscriberConfig {
  const c = parseEnv(schema, env, 'Pub/Sub subscriber');
  return {
    holdSeconds: c.FANPULSE_NOT_BEFORE_HOLD_SECONDS,
    nackWindowSeconds: c.FANPULSE_NOT_BEFORE_NACK_WINDOW_SECONDS,
    deferDefaultSeconds: c.FANPULSE_DEFER_DEFAULT_SECONDS,
    deferMaxSeconds: c.FANPULSE_DEFER_MAX_SECONDS,
    maxDeferrals: c.FANPULSE_MAX_DEFERRALS,
    emulator: Boolean(c.PUBSUB_EMULATOR_HOST),
  };
}
