// What the chatbot's artist index is made of, shared by the job that builds it
// (spotify.chatbot_index) and the chatbot face that loads and answers from it.
import { normalizeText } from '../../../platform/text.js';

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

/** Where the tracks came from: top tracks, the newest albums, or nothing collected yet. */
export type TracksBasis = 'top_tracks' | 'newest_albums' | 'none';

/** The two match keys of a name; snapshots carry them so a cold start computes none. */
export interface NameKeys {
  name: string;
  compact: string;
}

/** The index key of a name (case, accents, width folded; Hangul kept) and its compact form. */
export const nameKeys = (name: string): NameKeys => {
  const key = normalizeText(name);
  return { name: key, compact: key.replace(/[^\p{L}\p{N}]+/gu, '') };
};

export interface IndexArtist extends ArtistView {
  tracks: TrackView[];
  /** Precomputed nameKeys(name) (snapshots); computed when absent. */
  keys?: NameKeys;
  tracksBasis: TracksBasis;
  /** A profile was collected (else only known from track credits). */
  hasProfile: boolean;
}

export interface IndexData {
  artists: IndexArtist[];
  aliases: Array<{ name: string; artistId: string; keys?: NameKeys }>;
  collaborations: Array<{ a: string; b: string; sharedTracks: number }>;
  compilations: Array<{ albumId: string; artistIds: string[] }>;
}

export const EXCLUDED_NAMES = new Set(['various artists', 'various', 'verschiedene interpreten']);
/** Spotify's "Various Artists" (compilations credit it as an artist). */
export const VARIOUS_ARTISTS_ID = '0LyfQWJT6nXafLPZqxe9Of';

/** "Various Artists" is never an answer, a suggestion or a collaborator. */
export function isVariousArtists(id: string, name?: string | null): boolean {
  return id === VARIOUS_ARTISTS_ID || (name != null && EXCLUDED_NAMES.has(normalizeText(name)));
}
