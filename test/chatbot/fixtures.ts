// Small index fixtures for chatbot unit tests.
import type { IndexArtist } from '../../functions/sources/spotify/chatbot/model.js';

/** An indexed artist with an image and a link; `extra` overrides any field. */
export function indexArtist(
  id: string,
  name: string,
  extra: Partial<IndexArtist> = {},
): IndexArtist {
  return {
    id,
    name,
    imageUrl: `https://i.scdn.co/image/${id}`,
    spotifyUrl: `https://open.spotify.com/artist/${id}`,
    genres: [],
    popularity: 50,
    followers: 1000,
    tracks: [],
    tracksBasis: 'none',
    hasProfile: true,
    ...extra,
  };
}
