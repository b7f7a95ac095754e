// The answer, independent of the chat platform: the Kakao and Messenger formatters turn it
// into their own message shapes and limits.

/** An artist's Spotify page, for artists whose data carries no link. */
export function spotifyArtistUrl(id: string): string {
  return `https://open.spotify.com/artist/${id}`;
}

/** Only http(s) links are sent to chat clients (never javascript:, data: and the like). */
export function isHttpUrl(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^https?:\/\//i.test(value);
}

export interface ArtistView {
  id: string;
  name: string;
  imageUrl: string | null;
  spotifyUrl: string | null;
  genres: string[];
  popularity: number | null;
  followers: number | null;
}

export interface TrackView {
  id: string;
  name: string;
  albumName: string | null;
  imageUrl: string | null;
  spotifyUrl: string | null;
  releaseDate: string | null;
}

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

/** Where the tracks came from: top tracks, the newest albums, or nothing collected yet. */
export type TracksBasis = 'top_tracks' | 'newest_albums' | 'none';

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
