// The answer, independent of the chat platform: the Kakao and Messenger formatters turn it
// into their own message shapes and limits.

import type { ArtistView, TrackView, TracksBasis } from '../../sources/spotify/chatbot/model.js';

export {
  isHttpUrl,
  spotifyArtistUrl,
  type ArtistView,
  type TrackView,
  type TracksBasis,
} from '../../sources/spotify/chatbot/model.js';

export interface SimilarView {
  id: string;
  name: string;
  imageUrl: string | null;
  /** Why it is similar, for the card text (e.g. shared tracks). */
  because: SimilarBecause;
}

export interface SimilarBecause {
  sharedTracks: number;
  sharedGenres: string[];
  sharedCompilations: number;
}

export interface ArtistReply {
  kind: 'artist';
  /** index: from the collected catalogue; live: from a live Spotify search only. */
  source: 'index' | 'live';
  artist: ArtistView;
  tracks: TrackView[];
  tracksBasis: TracksBasis;
  similar: SimilarView[];
  /** A live answer whose artist name differs from the question (best-ranked hit). */
  approximate: boolean;
  /** A collect job was requested so the next answer is richer. */
  collecting: boolean;
}

export type TextReason =
  | 'empty'
  | 'no_words'
  | 'too_long'
  | 'not_found'
  | 'search_slow'
  | 'search_failed'
  /** Live search paused: Spotify's rate limit, or this user's or the bot's search budget. */
  | 'search_busy'
  /** Live hits too far from the question: the suggestions are the closest ones. */
  | 'did_you_mean'
  /** The message names several known artists: the suggestions are they. */
  | 'which_one'
  /** Messenger "Get Started" and other postbacks that are not an artist. */
  | 'welcome'
  | 'not_text'
  | 'unreadable'
  | 'error';

export interface TextReply {
  kind: 'text';
  reason: TextReason;
  /** The question as understood (shortened), when there was one. */
  query: string | null;
  /** Artists to tap instead (did-you-mean or popular ones). */
  suggestions: Array<{ id: string; name: string }>;
}

export type Reply = ArtistReply | TextReply;

export function textReply(
  reason: TextReason,
  query: string | null = null,
  suggestions: Array<{ id: string; name: string }> = [],
): TextReply {
  return { kind: 'text', reason, query, suggestions };
}
