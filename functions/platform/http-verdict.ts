// What a failed answer means (retry, wait, defer, fail) and how long to wait between
// attempts: the decisions of the HTTP policy (http.ts), apart from ky's mechanics.
import type { HttpPolicyConfig } from './config.js';
import type { FailureKind } from './errors.js';

/** What a source says a failed answer means. */
export type Verdict =
  | { action: 'retry' }
  | { action: 'wait'; seconds: number | null }
  | { action: 'defer'; reason: string; seconds: number | null }
  | { action: 'fail'; kind: FailureKind; reason: string };

export interface FailedAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export type Classifier = (answer: FailedAnswer) => Verdict | undefined;

export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

export function defaultVerdict(answer: FailedAnswer, now: Date): Verdict {
  const { status } = answer;
  if (status === 429)
    return { action: 'wait', seconds: parseRetryAfter(answer.headers.get('retry-after'), now) };
  if (status === 408 || status >= 500) return { action: 'retry' };
  // Any other 4xx (401 and 403 included: a source refreshes its own token) is permanent.
  return { action: 'fail', kind: 'permanent', reason: `HTTP ${status}` };
}

/** Full jitter over a capped exponential: spreads retries of many instances apart. */
export function backoffMs(attempt: number, policy: HttpPolicyConfig, random: () => number): number {
  const ceiling = Math.min(
    policy.backoffMaxMs,
    policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1),
  );
  return Math.round(random() * ceiling);
}
