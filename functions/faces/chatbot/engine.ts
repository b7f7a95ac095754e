// From a chat message to a Reply. Known artists come from the in-memory index; unknown ones
// from a guarded live search (live-answer.ts). Every wait is raced against a timer so the
// whole answer stays under 4.5 s (Kakao gives up at about 5 s):
//   index wait (cold start only) ≤ 4200 − search budget − 300 ms
//   live search                  ≤ search budget (≤ 3500 ms)
//   collect publish              ≤ 300 ms
import type { Logger } from '../../platform/logger.js';
import type { ArtistIndex } from './artist-index.js';
import type { IndexArtist } from '../../sources/spotify/chatbot/model.js';
import type { ChatbotConfig } from './config.js';
import { LiveAnswerer, type LiveDeps } from './live-answer.js';
import { artistReply, COLLECT_BUDGET_MS } from './artist-reply.js';
import { textReply, type Reply } from './reply.js';

export { COLLECT_BUDGET_MS } from './artist-reply.js';
import { cleanInput, graphemeCount, hasWordCharacters } from './text.js';
import { TIMED_OUT, within, type Timer } from './timer.js';

export const TOTAL_BUDGET_MS = 4200;
const MAX_SUGGESTIONS = 3;

export { realTimer, TIMED_OUT, within, type Timer, type WaitKind } from './timer.js';

export interface EngineDeps extends Partial<LiveDeps> {
  config: ChatbotConfig;
  index: () => Promise<ArtistIndex>;
  /** The index when one is loaded, without waiting (null: not yet). */
  loadedIndex?: () => ArtistIndex | null;
  liveSearch: LiveDeps['liveSearch'];
  collect: LiveDeps['collect'];
  timer: Timer;
  log: Logger;
}

export interface Question {
  /** What the user typed (or the utterance). */
  text?: string | null;
  /** An artist id from a tapped suggestion. */
  artistId?: string | null;
  /** Who asks (Kakao user id, Messenger sender id): live-search and collect budgets. */
  userId?: string | null;
  /** A Messenger postback that is not an artist ("Get Started" and the like). */
  postback?: 'get_started' | 'other' | null;
}

const pick = (list: IndexArtist[]) => list.map((a) => ({ id: a.id, name: a.name }));

export class ChatEngine {
  private readonly live: LiveAnswerer;

  constructor(private readonly deps: EngineDeps) {
    this.live = new LiveAnswerer(deps);
  }

  async answer(question: Question): Promise<Reply> {
    const index = await this.indexOrNull();
    const popular = () => pick(index?.popular(MAX_SUGGESTIONS) ?? []);
    if (question.artistId) {
      const tapped = index?.get(question.artistId);
      if (tapped) return artistReply(index!, tapped);
      const chosen = await this.live.tapped(question.artistId, question.userId ?? null, index);
      if (chosen) return chosen;
    }
    if (question.postback) return textReply('welcome', null, popular());
    const raw = question.text ?? '';
    const overlong = raw.length > 4096;
    const text = cleanInput(overlong ? raw.slice(0, 4096) : raw);
    if (text === '') return textReply('empty', null, popular());
    const max = this.deps.config.maxInputChars;
    if (overlong || graphemeCount(text, max) > max) return textReply('too_long', null, popular());
    if (!hasWordCharacters(text)) return textReply('no_words', null, popular());
    this.deps.log.debug('chat question', { text });
    const named = index?.resolve(text) ?? [];
    if (named.length === 1) return artistReply(index!, named[0]!);
    if (named.length > 1)
      return textReply('which_one', null, pick(named.slice(0, MAX_SUGGESTIONS)));
    return this.live.answer(text, question.userId ?? null, index);
  }

  private async indexOrNull(): Promise<ArtistIndex | null> {
    // Loaded already (every request but the first): no timer to race.
    const ready = this.deps.loadedIndex?.();
    if (ready) {
      this.deps.index().catch(() => undefined); // lets a stale index refresh in the background
      return ready;
    }
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
}
