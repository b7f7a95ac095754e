// What keeps live search cheap and safe: a cache of hits and misses with expiry, token
// buckets per user and per instance for live searches and collect jobs, and a penalty box
// that stops every Spotify call while Spotify says "429, retry after N s".
//
// The penalty box is an interface so the StateStore-backed shared one (the cloud-scale
// issue's, read by every function) can replace this in-process one without touching the
// engine.
import type { Clock } from '../../platform/clock.js';

/** A bounded map whose entries expire on the clock (oldest entries go first when full). */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries: number,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.clock.now().getTime() >= e.until) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries)
      this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.clock.now().getTime() + ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Token buckets: `capacity` actions, refilled evenly over `periodMs`, one bucket per key. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly periodMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one token for `key`; false (and nothing taken) when the bucket is empty. */
  take(key: string): boolean {
    const now = this.clock.now().getTime();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    const tokens = Math.min(
      this.capacity,
      b.tokens + ((now - b.at) * this.capacity) / this.periodMs,
    );
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }

  /** Gives back a token taken for work that did not happen (e.g. a cached answer). */
  refund(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.capacity, b.tokens + 1);
  }
}

/** Spotify's rate-limit penalty: no call while it lasts. */
export interface SpotifyPenalty {
  /** Milliseconds left of the current penalty (0: calls allowed). */
  remainingMs(): Promise<number>;
  /** Spotify answered 429 with Retry-After `seconds` (null: none given). */
  penalise(seconds: number | null): Promise<void>;
}

/** Without Retry-After, a 429 blocks for this long. */
const DEFAULT_PENALTY_SECONDS = 30;

/** The penalty of this instance only. */
export class LocalSpotifyPenalty implements SpotifyPenalty {
  private until = 0;
  constructor(private readonly clock: Clock) {}

  async remainingMs(): Promise<number> {
    return Math.max(0, this.until - this.clock.now().getTime());
  }

  async penalise(seconds: number | null): Promise<void> {
    const until = this.clock.now().getTime() + (seconds ?? DEFAULT_PENALTY_SECONDS) * 1000;
    this.until = Math.max(this.until, until);
  }
}

export interface LiveLimitsConfig {
  searchesPerUserPerHour: number;
  searchesPerMinute: number;
  collectsPerUserPerDay: number;
  collectsPerHour: number;
}

export type LimitVerdict = 'ok' | 'user' | 'global';

/** Per-user and per-instance budgets of live searches and collect jobs. */
export class LiveLimits {
  private readonly userSearches: TokenBuckets;
  private readonly searches: TokenBuckets;
  private readonly userCollects: TokenBuckets;
  private readonly collects: TokenBuckets;

  constructor(clock: Clock, c: LiveLimitsConfig) {
    this.userSearches = new TokenBuckets(clock, c.searchesPerUserPerHour, 3_600_000);
    this.searches = new TokenBuckets(clock, c.searchesPerMinute, 60_000);
    this.userCollects = new TokenBuckets(clock, c.collectsPerUserPerDay, 86_400_000);
    this.collects = new TokenBuckets(clock, c.collectsPerHour, 3_600_000);
  }

  search(user: string): LimitVerdict {
    return take(this.userSearches, this.searches, user);
  }

  collect(user: string): LimitVerdict {
    return take(this.userCollects, this.collects, user);
  }

  /** A collect that turned out not to be needed (collected today already) costs nothing. */
  refundCollect(user: string): void {
    this.userCollects.refund(user);
    this.collects.refund('*');
  }
}

function take(perUser: TokenBuckets, global: TokenBuckets, user: string): LimitVerdict {
  if (!perUser.take(user)) return 'user';
  if (!global.take('*')) {
    perUser.refund(user);
    return 'global';
  }
  return 'ok';
}
