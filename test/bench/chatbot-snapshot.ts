// A synthetic artist index snapshot of any size for the chatbot benchmark, shaped like the
// real one (five picks per artist with album art and links, genres, aliases, features and
// compilations), written with the production writer into a data folder.
import { writeSnapshot } from '../../functions/sources/spotify/chatbot/snapshot.js';
import type { IndexArtist } from '../../functions/sources/spotify/chatbot/model.js';
import { LocalRawStore } from '../../functions/platform/raw-store.js';
import { FileStateStore } from '../../functions/platform/state.js';
import { join } from 'node:path';

const GENRES = ['k-pop', 'pop', 'indie rock', 'hip hop', 'r&b', 'edm', 'trot', 'city pop'];

export const syntheticArtistName = (i: number): string => `Synthetic Artist ${i}`;

export async function writeSyntheticSnapshot(
  dataDir: string,
  artists: number,
): Promise<{ bytes: number }> {
  const list: IndexArtist[] = Array.from({ length: artists }, (_, i) => {
    const id = `syn${String(i).padStart(19, '0')}`;
    return {
      id,
      name: syntheticArtistName(i),
      imageUrl: `https://i.scdn.co/image/ab6761610000e5eb${id}`,
      spotifyUrl: `https://open.spotify.com/artist/${id}`,
      genres: [GENRES[i % GENRES.length]!, GENRES[(i * 7) % GENRES.length]!],
      popularity: i % 100,
      followers: i * 1013,
      tracks: Array.from({ length: 5 }, (_, t) => ({
        id: `${id.slice(0, 18)}t${t}`,
        name: `Song ${t + 1} of artist ${i}`,
        albumName: `Album ${t % 2} of artist ${i}`,
        imageUrl: `https://i.scdn.co/image/ab67616d0000b273${id}${t}`,
        spotifyUrl: `https://open.spotify.com/track/${id.slice(0, 18)}t${t}`,
        releaseDate: '2026-05-01',
      })),
      tracksBasis: 'newest_albums',
      hasProfile: true,
    };
  });
  const collaborations = list.flatMap((a, i) =>
    [1, 2].map((d) => ({ a: a.id, b: list[(i + d * 37) % list.length]!.id, sharedTracks: d })),
  );
  const compilations = Array.from({ length: Math.ceil(artists / 20) }, (_, c) => ({
    albumId: `comp${c}`,
    artistIds: Array.from({ length: 20 }, (_, k) => list[(c * 20 + k) % list.length]!.id),
  }));
  const aliases = list.map((a, i) => ({ name: `신세틱 아티스트 ${i}`, artistId: a.id }));
  const now = new Date().toISOString();
  const { bytes } = await writeSnapshot(
    new LocalRawStore(dataDir),
    new FileStateStore(join(dataDir, 'state')),
    {
      builtAt: now,
      resolutionsThrough: now.slice(0, 10),
      learned: [],
      data: { artists: list, aliases, collaborations, compilations },
    },
    'bench',
  );
  return { bytes };
}
