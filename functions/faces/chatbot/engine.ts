// From a chat message to a Reply. Known artists come from the in-memory index; unknown ones
// from one live search bounded by a time budget, plus a collect job. Every wait is raced
// against a timer so the whole answer stays under 4.5 s (Kakao gives up at about 5 s):
//   index wait (cold start only) ≤ 4200 − search budget − 300 ms
//   live search                  ≤ search budget (≤ 3500 ms)
//   collect publish              ≤ 300 ms
import type { Logger } from '../../platform/logger.js';
import type { ArtistIndex, IndexArtist } from './artist-index.js';
import type { ChatbotConfig } from './config.js';
import type { Collect, LiveArtist, LiveSearch } from './live.js';
import { textReply, type ArtistReply, type Reply } from './reply.js';
import { cleanInput, fit, graphemeCount, hasWordCharacters } from './text.js';

const TOTAL_BUDGET_MS = 4200;
const COLLECT_BUDGET_MS = 300;
const MAX_TRACKS = 5;
const MAX_SIMILAR = 3;
const MAX_SUGGESTIONS = 3;

export type WaitKind = 'index' | 'live-search' | 'collect' | 'ack';

/** Resolves after `ms` (or never, in tests); `signal` cancels the wait. */
export type Timer = (ms: number, kind: WaitKind, signal: AbortSignal) => Promise<void>;

export const realTimer: Timer = (ms, _kind, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    signal.addEventListener('abort', () => clearTimeout(t), { once: true });
  });

export const TIMED_OUT: unique symbol = Symbol('timed out');

/** The value of `work`, or TIMED_OUT when the timer fires first. */
export async function within<T>(
  timer: Timer,
  ms: number,
  kind: WaitKind,
  work: Promise<T>,
): Promise<T | typeof TIMED_OUT> {
  const stop = new AbortController();
  try {
    const expired = timer(ms, kind, stop.signal).then((): typeof TIMED_OUT => TIMED_OUT);
    return await Promise.race([work, expired]);
  } finally {
    stop.abort();
  }
}

export interface EngineDeps {
  config: ChatbotConfig;
  index: () => Promise<ArtistIndex>;
  liveSearch: LiveSearch | null;
  collect: Collect | null;
  timer: Timer;
  log: Logger;
}

export interface Question {
  /** What the user typed (or the utterance). */
  text?: string | null;
  /** An artist id from a tapped suggestion. */
  artistId?: string | null;
}

export class ChatEngine {
  constructor(private readonly deps: EngineDeps) {}

  async answer(question: Question): Promise<Reply> {
    const index = await this.indexOrNull();
    if (question.artistId && index) {
      const tapped = index.get(question.artistId);
      if (tapped) return this.fromIndex(index, tapped);
    }
    const raw = question.text ?? '';
    const overlong = raw.length > 4096;
    const text = cleanInput(overlong ? raw.slice(0, 4096) : raw);
    const suggestions = (list: IndexArtist[]) => list.map((a) => ({ id: a.id, name: a.name }));
    const popular = () => suggestions(index?.popular(MAX_SUGGESTIONS) ?? []);
    if (text === '') return textReply('empty', null, popular());
    const max = this.deps.config.maxInputChars;
    if (overlong || graphemeCount(text, max) > max) return textReply('too_long', null, popular());
    if (!hasWordCharacters(text)) return textReply('no_words', null, popular());
    const known = index?.find(text);
    if (known) return this.fromIndex(index!, known);
    return this.live(text, index);
  }

  private async indexOrNull(): Promise<ArtistIndex | null> {
    const wait = TOTAL_BUDGET_MS - this.deps.config.liveSearchBudgetMs - COLLECT_BUDGET_MS;
    const loading = this.deps.index();
    loading.catch(() => undefined);
    try {
      const index = await within(this.deps.timer, wait, 'index', loading);
      if (index === TIMED_OUT) {
        this.deps.log.warn('artist index not ready in time; answering without it', { wait });
        return null;
      }
      return index;
    } catch {
      return null;
    }
  }

  private fromIndex(index: ArtistIndex, a: IndexArtist): ArtistReply {
    return {
      kind: 'artist',
      source: 'index',
      artist: {
        id: a.id,
        name: a.name,
        imageUrl: a.imageUrl,
        spotifyUrl: a.spotifyUrl,
        genres: a.genres,
        popularity: a.popularity,
        followers: a.followers,
      },
      tracks: a.tracks.slice(0, MAX_TRACKS),
      tracksBasis: a.tracks.length > 0 ? a.tracksBasis : 'none',
      similar: index.similar(a.id, MAX_SIMILAR),
      approximate: false,
      collecting: false,
    };
  }

  private async live(text: string, index: ArtistIndex | null): Promise<Reply> {
    const query = fit(text, 100);
    const near = () =>
      (index?.suggest(text, MAX_SUGGESTIONS) ?? []).map((a) => ({ id: a.id, name: a.name }));
    const search = this.deps.liveSearch;
    if (!search) return textReply('not_found', query, near());
    const started = Date.now();
    let found: LiveArtist | null | typeof TIMED_OUT;
    try {
      const pending = search(query);
      pending.catch(() => undefined);
      found = await within(
        this.deps.timer,
        this.deps.config.liveSearchBudgetMs,
        'live-search',
        pending,
      );
    } catch (error) {
      this.deps.log.warn('live artist search failed', { query, error });
      return textReply('search_failed', query, near());
    }
    if (found === TIMED_OUT) {
      this.deps.log.warn('live artist search exceeded its budget', {
        query,
        budget_ms: this.deps.config.liveSearchBudgetMs,
      });
      return textReply('search_slow', query, near());
    }
    this.deps.log.info('live artist search', {
      query,
      artist_id: found?.id ?? null,
      match_kind: found?.matchKind ?? 'none',
      ms: Date.now() - started,
    });
    if (found === null) return textReply('not_found', query, near());
    const indexed = index?.get(found.id);
    if (indexed) return this.fromIndex(index!, indexed);
    let collecting = false;
    if (this.deps.collect && this.deps.config.collectUnknown) {
      const published = this.deps.collect({ id: found.id, name: found.name });
      published.catch(() => undefined);
      const outcome = await within(this.deps.timer, COLLECT_BUDGET_MS, 'collect', published);
      collecting = outcome === true;
    }
    const { matchKind, ...artist } = found;
    return {
      kind: 'artist',
      source: 'live',
      artist,
      tracks: [],
      tracksBasis: 'none',
      similar: [],
      approximate: matchKind !== 'exact',
      collecting,
    };
  }
}
