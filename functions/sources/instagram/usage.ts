// Usage budgets of the Graph API. Meta reports how much of the app's and the business use
// case's budget the recent calls used (X-App-Usage, X-Business-Use-Case-Usage, percentages)
// only after enough calls; absence means "unknown", never 0. We slow down as usage climbs
// and stop the run (DeferredError) before it reaches 100 %, because calls at the limit are
// refused and lengthen the block.
import { z } from 'zod';
import type { UsagePolicy } from './config.js';

export interface UsageReading {
  /** Highest percentage among every reported metric (call count, CPU time, total time). */
  percent: number;
  /** Longest estimated_time_to_regain_access, in seconds (0 when not blocked). */
  regainSeconds: number;
  /** Which header and metric gave `percent`, for logs. */
  source: string;
}

const pct = z.coerce.number().finite().nonnegative();
const appUsage = z.object({
  call_count: pct.optional(),
  total_cputime: pct.optional(),
  total_time: pct.optional(),
});
const bucEntry = appUsage.extend({
  type: z.string().optional(),
  estimated_time_to_regain_access: pct.optional(),
});
const bucUsage = z.record(z.string(), z.array(bucEntry));

function parseHeader<S extends z.ZodType>(value: string | null, schema: S): z.output<S> | null {
  if (value === null || value.trim() === '') return null;
  try {
    const parsed = schema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Reads both usage headers; null when neither is present or readable. */
export function readUsage(headers: Headers): UsageReading | null {
  const app = parseHeader(headers.get('x-app-usage'), appUsage);
  const buc = parseHeader(headers.get('x-business-use-case-usage'), bucUsage);
  if (app === null && buc === null) return null;
  let percent = 0;
  let source = 'none';
  let regainSeconds = 0;
  const consider = (value: number | undefined, where: string) => {
    if (value !== undefined && value >= percent) {
      percent = value;
      source = where;
    }
  };
  if (app) {
    for (const [metric, value] of Object.entries(app)) consider(value, `X-App-Usage.${metric}`);
  }
  for (const [id, entries] of Object.entries(buc ?? {})) {
    for (const e of entries) {
      consider(e.call_count, `X-Business-Use-Case-Usage[${id}].call_count`);
      consider(e.total_cputime, `X-Business-Use-Case-Usage[${id}].total_cputime`);
      consider(e.total_time, `X-Business-Use-Case-Usage[${id}].total_time`);
      regainSeconds = Math.max(regainSeconds, (e.estimated_time_to_regain_access ?? 0) * 60);
    }
  }
  return { percent, regainSeconds, source };
}

export type UsageDecision =
  | { action: 'go' }
  | { action: 'wait'; ms: number; reading: UsageReading }
  | { action: 'defer'; seconds: number; reason: string };

// Usage is measured over a rolling hour: a reading older than that says nothing any more.
const READING_TTL_MS = 3600_000;

/**
 * Remembers the latest reading and any block, per client (so per warm function instance),
 * and decides before each call whether to go, wait or stop.
 */
export class UsageTracker {
  private last: { reading: UsageReading; at: number } | null = null;
  private blocked: { until: number; reason: string } | null = null;
  /** Total milliseconds spent slowing down, for run details and benchmarks. */
  throttledMs = 0;

  constructor(private readonly policy: UsagePolicy) {}

  get latest(): UsageReading | null {
    return this.last?.reading ?? null;
  }

  record(headers: Headers, now: Date): void {
    const reading = readUsage(headers);
    if (!reading) return;
    this.last = { reading, at: now.getTime() };
    if (reading.regainSeconds > 0) {
      this.block(
        now,
        reading.regainSeconds,
        `estimated_time_to_regain_access ${reading.regainSeconds / 60} min`,
      );
    } else if (reading.percent >= this.policy.stopPercent) {
      this.block(
        now,
        this.policy.deferSeconds,
        `usage ${reading.percent}% (${reading.source}) reached the stop threshold ${this.policy.stopPercent}%`,
      );
    }
  }

  /** A throttling error code: no calls until the block passes. */
  block(now: Date, seconds: number, reason: string): void {
    const until = now.getTime() + seconds * 1000;
    if (!this.blocked || until > this.blocked.until) this.blocked = { until, reason };
  }

  /** Seconds left of the current block, or null when calls may go (no side effects). */
  blockedSeconds(now: Date): number | null {
    const left = this.blocked ? this.blocked.until - now.getTime() : 0;
    return left > 0 ? Math.ceil(left / 1000) : null;
  }

  decide(now: Date): UsageDecision {
    const t = now.getTime();
    if (this.blocked) {
      if (this.blocked.until > t) {
        return {
          action: 'defer',
          seconds: Math.ceil((this.blocked.until - t) / 1000),
          reason: this.blocked.reason,
        };
      }
      // The block is over: the old reading is what caused it, so forget both.
      this.blocked = null;
      this.last = null;
    }
    if (!this.last || t - this.last.at > READING_TTL_MS) return { action: 'go' };
    const { percent } = this.last.reading;
    const { slowdownPercent, stopPercent, maxDelayMs } = this.policy;
    if (percent < slowdownPercent) return { action: 'go' };
    // Linear from 0 at the slowdown threshold to maxDelayMs at the stop threshold.
    const share = Math.min(1, (percent - slowdownPercent) / (stopPercent - slowdownPercent));
    return { action: 'wait', ms: Math.round(maxDelayMs * share), reading: this.last.reading };
  }
}
