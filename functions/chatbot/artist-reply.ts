// The answer for an artist the index knows: card, up to 5 picks, up to 3 similar artists.
import type { ArtistIndex, IndexArtist } from './artist-index.js';
import type { ArtistReply } from './reply.js';

/** Longest wait for a collect publish (and an alias write) within an answer. */
export const COLLECT_BUDGET_MS = 300;
const MAX_TRACKS = 5;
const MAX_SIMILAR = 3;

export function artistReply(index: ArtistIndex, a: IndexArtist): ArtistReply {
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
