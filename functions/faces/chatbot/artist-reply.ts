// The answer for an artist the index knows: card, up to 5 picks, up to 3 similar artists.
import type { ArtistIndex } from './artist-index.js';
import type { IndexArtist } from '../../sources/spotify/chatbot/model.js';
import type { ArtistReply } from './reply.js';

/** Longest wait for a collect publish (and an alias write) within an answer. */
export const COLLECT_BUDGET_MS = 300;
const MAX_TRACKS = 5;
const MAX_SIMILAR = 3;

/**
 * One reply object per artist and index generation: a popular artist asked 200 times a
 * second is built once, and the formatters can memoise their output per reply.
 */
const replies = new WeakMap<ArtistIndex, Map<string, ArtistReply>>();

export function artistReply(index: ArtistIndex, a: IndexArtist): ArtistReply {
  let byId = replies.get(index);
  if (!byId) replies.set(index, (byId = new Map()));
  let reply = byId.get(a.id);
  if (!reply) byId.set(a.id, (reply = buildReply(index, a)));
  return reply;
}

function buildReply(index: ArtistIndex, a: IndexArtist): ArtistReply {
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
