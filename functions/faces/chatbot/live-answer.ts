// The answer for a name the index does not know, guarded:
//   1. the question's request words stripped ("노래 추천해줘"), then the search cache (hits
//      and misses, with expiry): a repeated name never calls Spotify again;
//   2. no call while Spotify's 429 penalty lasts, nor past this user's or this instance's
//      live-search budget;
//   3. one search within the budget; its hits judged by live-choice.ts: a close hit is the
//      answer (remembered as an alias, collected if the index lacks it), else up to three
//      "did you mean" choices and no collect job;
//   4. collect jobs within the per-user and per-instance budgets, once per artist and day.
import { systemClock, type Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { ArtistIndex } from './artist-index.js';
import type { ChatbotConfig } from './config.js';
import { artistReply, COLLECT_BUDGET_MS } from './artist-reply.js';
import { decide } from './live-choice.js';
import {
  ExpiringCache,
  LiveLimits,
  LocalSpotifyPenalty,
  type SpotifyPenalty,
} from './live-guard.js';
import { SpotifyRateLimited, type Collect, type LiveArtist, type LiveSearch } from './live.js';
import { stripRequestPhrases } from './phrases.js';
import { textReply, type ArtistReply, type Reply } from './reply.js';
import type { LearnedAlias } from '../../sources/spotify/chatbot/snapshot.js';
import { fit, nameKey } from './text.js';
import { TIMED_OUT, within, type Timer } from './timer.js';

const MAX_SUGGESTIONS = 3;
const CACHE_ENTRIES = 5_000;
const ANONYMOUS = 'anonymous';

export interface LiveDeps {
  config: ChatbotConfig;
  liveSearch: LiveSearch | null;
  collect: Collect | null;
  timer: Timer;
  log: Logger;
  clock: Clock;
  penalty: SpotifyPenalty;
  /** Makes a resolved name match the index from now on (this instance). */
  learn: (name: string, artistId: string) => void;
  /** Keeps a resolution for the next index snapshot (every instance). */
  remember: ((alias: LearnedAlias) => Promise<void>) | null;
}

export class LiveAnswerer {
  private readonly deps: LiveDeps;
  private readonly cache: ExpiringCache<LiveArtist[]>;
  /** Artists offered or found live, so a tapped choice needs no second search. */
  private readonly seen: ExpiringCache<LiveArtist>;
  private readonly limits: LiveLimits;
  private readonly inflight = new Map<string, ReturnType<LiveAnswerer['search']>>();

  constructor(d: Partial<LiveDeps> & Pick<LiveDeps, 'config' | 'timer' | 'log'>) {
    const clock = d.clock ?? systemClock;
    this.deps = {
      liveSearch: null,
      collect: null,
      penalty: new LocalSpotifyPenalty(clock),
      learn: () => undefined,
      remember: null,
      ...d,
      clock,
    };
    this.cache = new ExpiringCache(clock, CACHE_ENTRIES);
    this.seen = new ExpiringCache(clock, CACHE_ENTRIES);
    this.limits = new LiveLimits(clock, d.config.limits);
  }

  /** A tapped "did you mean" choice (an artist the index lacks): the user chose it. */
  async tapped(id: string, user: string | null, index: ArtistIndex | null): Promise<Reply | null> {
    const artist = this.seen.get(id);
    if (!artist) return null;
    return this.found(artist, 1, user, index, null);
  }

  async answer(text: string, user: string | null, index: ArtistIndex | null): Promise<Reply> {
    const d = this.deps;
    const query = fit(stripRequestPhrases(text), 100);
    const near = () =>
      (index?.suggest(query, MAX_SUGGESTIONS) ?? []).map((a) => ({ id: a.id, name: a.name }));
    const search = d.liveSearch;
    if (!search) return textReply('not_found', query, near());
    const key = nameKey(query);
    let hits = this.cache.get(key);
    if (hits === undefined) {
      if ((await d.penalty.remainingMs()) > 0) return textReply('search_busy', query, near());
      const searched = await this.searchOnce(search, key, query, user);
      if (typeof searched === 'string') return textReply(searched, query, near());
      hits = searched;
    }
    for (const h of hits) this.seen.set(h.id, h, d.config.cacheHitMs);
    const decision = decide(query, hits, d.config.matchThreshold, (id) => !!index?.get(id));
    d.log.info('live artist decision', {
      decision: decision.kind,
      hits: hits.length,
      artist_id: decision.kind === 'accept' ? decision.artist.id : null,
    });
    if (decision.kind === 'none') return textReply('not_found', query, near());
    if (decision.kind === 'choices')
      return textReply(
        'did_you_mean',
        query,
        decision.artists.map((a) => ({ id: a.id, name: a.name })),
      );
    return this.found(decision.artist, decision.similarity, user, index, query);
  }

  /**
   * One search per name at a time: the same name asked while its search runs waits for it
   * (no second call, no second budget token). Check and registration happen without an
   * await between them, and the result is cached before the in-flight entry goes.
   */
  private searchOnce(
    search: LiveSearch,
    key: string,
    query: string,
    user: string | null,
  ): Promise<LiveArtist[] | 'search_failed' | 'search_slow' | 'search_busy'> {
    const d = this.deps;
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    const running = this.inflight.get(key);
    if (running) return running;
    const verdict = this.limits.search(user ?? ANONYMOUS);
    if (verdict !== 'ok') {
      d.log.info('live search refused by its budget', { budget: verdict });
      return Promise.resolve('search_busy');
    }
    const pending = this.search(search, query)
      .then((found) => {
        if (typeof found !== 'string')
          this.cache.set(key, found, found.length > 0 ? d.config.cacheHitMs : d.config.cacheMissMs);
        return found;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, pending);
    return pending;
  }

  private async search(
    search: LiveSearch,
    query: string,
  ): Promise<LiveArtist[] | 'search_failed' | 'search_slow' | 'search_busy'> {
    const d = this.deps;
    const started = Date.now();
    try {
      const pending = search(query);
      pending.catch(() => undefined);
      const found = await within(d.timer, d.config.liveSearchBudgetMs, 'live-search', pending);
      if (found === TIMED_OUT) {
        d.log.warn('live artist search exceeded its budget', {
          budget_ms: d.config.liveSearchBudgetMs,
        });
        return 'search_slow';
      }
      d.log.info('live artist search', { hits: found.length, ms: Date.now() - started });
      d.log.debug('live artist search query', { query });
      return found;
    } catch (error) {
      if (error instanceof SpotifyRateLimited) {
        await d.penalty.penalise(error.retryAfterSeconds);
        d.log.warn('Spotify rate limited the live search; pausing live searches', {
          retry_after_s: error.retryAfterSeconds,
        });
        return 'search_busy';
      }
      d.log.warn('live artist search failed', { error });
      return 'search_failed';
    }
  }

  /** The chosen artist: from the index when it is there, else the live card plus a collect. */
  private async found(
    artist: LiveArtist,
    similarity: number,
    user: string | null,
    index: ArtistIndex | null,
    query: string | null,
  ): Promise<Reply> {
    const d = this.deps;
    const work: Array<Promise<unknown>> = [];
    if (query !== null && nameKey(query) !== nameKey(artist.name)) {
      d.learn(query, artist.id);
      if (d.remember) {
        const alias = {
          query,
          artistId: artist.id,
          artistName: fit(artist.name, 500),
          at: d.clock.now().toISOString(),
        };
        work.push(
          d.remember(alias).catch((error: unknown) => d.log.warn('alias not kept', { error })),
        );
      }
    }
    const indexed = index?.get(artist.id);
    let collecting: Promise<boolean> = Promise.resolve(false);
    if (!indexed && d.collect && d.config.collectUnknown) collecting = this.collect(artist, user);
    const [collected] = await Promise.all([
      within(d.timer, COLLECT_BUDGET_MS, 'collect', collecting),
      within(d.timer, COLLECT_BUDGET_MS, 'collect', Promise.all(work)),
    ]);
    if (indexed) return artistReply(index!, indexed);
    const reply: ArtistReply = {
      kind: 'artist',
      source: 'live',
      artist,
      tracks: [],
      tracksBasis: 'none',
      similar: [],
      approximate: similarity < 1,
      collecting: collected === true,
    };
    return reply;
  }

  private async collect(artist: LiveArtist, user: string | null): Promise<boolean> {
    const verdict = this.limits.collect(user ?? ANONYMOUS);
    if (verdict !== 'ok') {
      this.deps.log.info('collect job refused by its budget', { budget: verdict });
      return false;
    }
    const outcome = await this.deps.collect!({ id: artist.id, name: artist.name });
    if (outcome === 'already') this.limits.refundCollect(user ?? ANONYMOUS);
    return outcome !== 'failed';
  }
}
