// One "penalty box" per API quota, shared by every instance and process through the
// StateStore (a Cloud Storage object with generation preconditions in the cloud, a file
// locally). A 429 with Retry-After, a quota hit or a Meta throttling code records "blocked
// until T" once; every caller checks the box before calling and defers without calling,
// because hammering a rate-limited API lengthens the penalty.
import { z } from 'zod';
import type { Clock } from './clock.js';
import type { Verdict } from './http-verdict.js';
import type { Services } from './runtime.js';
import { DeferredError } from './errors.js';
import { StateConflictError, type StateStore } from './state.js';

const penaltySchema = z.object({
  until: z.iso.datetime({ offset: true }),
  reason: z.string(),
  recordedAt: z.iso.datetime({ offset: true }),
});
export type Penalty = z.infer<typeof penaltySchema>;

/** Reason of the DeferredError of a call refused by the box. */
export const PENALTY_REASON = 'penalty-box';

export function penaltyKey(quota: string): string {
  return `penalty/${quota.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

export interface PenaltyBoxOptions {
  /**
   * How long a read of the shared document is trusted before reading it again (ms of the
   * injected clock). Short: another instance's penalty is seen within this time; a penalty
   * this process recorded itself is seen at once.
   */
  cacheMs?: number;
}

export class PenaltyBox {
  private readonly cache = new Map<string, { penalty: Penalty | null; readAt: number }>();
  private readonly cacheMs: number;
  /** Penalties this process wrote (a write is skipped when the box already holds a later end). */
  recorded = 0;

  constructor(
    private readonly state: () => Promise<StateStore>,
    private readonly clock: Clock,
    options: PenaltyBoxOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5_000;
  }

  /** The penalty in force for `quota`, or null when calls may go. */
  async current(quota: string): Promise<Penalty | null> {
    const now = this.clock.now().getTime();
    let entry = this.cache.get(quota);
    const fresh = entry && now - entry.readAt < this.cacheMs;
    const blocked = entry?.penalty && Date.parse(entry.penalty.until) > now;
    if (!entry || (!fresh && !blocked)) {
      const store = await this.state();
      const doc = await store.get(penaltyKey(quota), penaltySchema);
      entry = { penalty: doc?.value ?? null, readAt: now };
      this.cache.set(quota, entry);
    }
    const penalty = entry.penalty;
    return penalty && Date.parse(penalty.until) > now ? penalty : null;
  }

  /** Throws a DeferredError (without calling anything) while any of `quotas` is blocked. */
  async check(quotas: readonly string[], what: string): Promise<void> {
    for (const quota of quotas) {
      const penalty = await this.current(quota);
      if (!penalty) continue;
      const seconds = Math.ceil((Date.parse(penalty.until) - this.clock.now().getTime()) / 1000);
      throw new DeferredError(
        `${what}: ${quota} is in the penalty box until ${penalty.until} (${penalty.reason}); deferring without calling`,
        PENALTY_REASON,
        seconds,
      );
    }
  }

  /** Records "blocked until now + seconds" unless the box already holds a later end. */
  async record(quota: string, seconds: number, reason: string): Promise<Penalty> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + Math.max(0, seconds) * 1000);
    const wanted: Penalty = {
      until: until.toISOString(),
      reason,
      recordedAt: now.toISOString(),
    };
    const cached = this.cache.get(quota)?.penalty;
    if (cached && Date.parse(cached.until) >= until.getTime()) return cached;
    const store = await this.state();
    let result: Penalty = wanted;
    for (let attempt = 1; ; attempt++) {
      const current = await store.get(penaltyKey(quota), penaltySchema);
      if (current && Date.parse(current.value.until) >= until.getTime()) {
        result = current.value; // another instance recorded it already: write nothing
        break;
      }
      try {
        await store.put(penaltyKey(quota), wanted, { ifVersion: current?.version ?? null });
        this.recorded += 1;
        break;
      } catch (error) {
        if (!(error instanceof StateConflictError) || attempt >= 5) throw error;
      }
    }
    this.cache.set(quota, { penalty: result, readAt: now.getTime() });
    return result;
  }
}

const boxes = new WeakMap<Services, PenaltyBox>();

/** The process's penalty box (one per Services, so a warm instance caches its reads). */
export function penaltyBoxFor(services: Services): PenaltyBox {
  let box = boxes.get(services);
  if (!box) {
    box = new PenaltyBox(() => services.state(), services.clock, {
      cacheMs: services.config.penaltyCacheSeconds * 1000,
    });
    boxes.set(services, box);
  }
  return box;
}

export interface PenaltySettings {
  box: PenaltyBox;
  /** Quotas checked before each request (e.g. the rate limit and the daily quota). */
  quotas: readonly string[];
  /** Quota a plain 429 with Retry-After is recorded under (verdicts may name another). */
  rateLimitQuota: string;
  /** Penalty recorded when a quota verdict says no time (seconds). */
  defaultSeconds?: number;
}

/** The penalty a failed answer's verdict asks for (a 429 or a quota verdict), or null. */
export function penaltyOf(
  verdict: Verdict,
  status: number,
  settings: PenaltySettings,
): { quota: string; seconds: number; reason: string } | null {
  if (verdict.action !== 'wait' && verdict.action !== 'defer') return null;
  const quota = verdict.quota ?? (status === 429 ? settings.rateLimitQuota : undefined);
  if (!quota) return null;
  const seconds = verdict.seconds ?? (verdict.quota ? (settings.defaultSeconds ?? 60) : null);
  if (seconds === null || seconds <= 0) return null;
  const reason =
    verdict.action === 'defer' ? verdict.reason : `HTTP ${status}, Retry-After ${seconds}s`;
  return { quota, seconds, reason };
}
