// Settings of the Pub/Sub subscriber functions: how long a not-yet-due message may be held,
// how deferrals are re-published and bounded. Defaults suit Cloud Functions with a 540 s
// timeout and a Pub/Sub retry policy of 10 s..600 s (docs/pubsub.md explains each one).
import { z } from 'zod';
import { envSettings, nonNegativeInt, positiveInt, type Env } from '../../platform/env.js';
import type { Services } from '../../platform/runtime.js';

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

const loadSettings = envSettings('Pub/Sub subscriber', {
  holdSeconds: ['FANPULSE_NOT_BEFORE_HOLD_SECONDS', nonNegativeInt.default(20)],
  nackWindowSeconds: ['FANPULSE_NOT_BEFORE_NACK_WINDOW_SECONDS', nonNegativeInt.default(300)],
  deferDefaultSeconds: ['FANPULSE_DEFER_DEFAULT_SECONDS', positiveInt.default(300)],
  deferMaxSeconds: ['FANPULSE_DEFER_MAX_SECONDS', positiveInt.default(86_400)],
  maxDeferrals: ['FANPULSE_MAX_DEFERRALS', nonNegativeInt.default(6)],
  emulator: ['PUBSUB_EMULATOR_HOST', z.string().optional().transform(Boolean)],
});

export function loadSubscriberConfig(env: Env): SubscriberConfig {
  return loadSettings(env);
}

// The subscriber settings come from env, which does not change for a Services: read once.
const configs = new WeakMap<Services, SubscriberConfig>();
export function subscriberConfigOf(services: Services): SubscriberConfig {
  let config = configs.get(services);
  if (!config) {
    config = loadSubscriberConfig(services.env);
    configs.set(services, config);
  }
  return config;
}
