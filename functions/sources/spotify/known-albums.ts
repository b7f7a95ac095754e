// Incremental catalogue: what each album looked like when its tracks were last collected, one
// StateStore document per album (concurrent album jobs never contend). The artist-albums
// listing (cheap: 10 albums a call) says which albums are new or changed, so a daily run
// looks up only those; a periodic full refresh (param `full`) collects everything again to
// keep popularity-type fields fresh.
import pLimit from 'p-limit';
import { z } from 'zod';
import { isRecord } from '../../platform/fields.js';
import type { StateStore } from '../../platform/state.js';

const knownSchema = z.object({ signature: z.string(), collectedAt: z.string() });

function albumKey(market: string, albumId: string): string {
  return `spotify/albums/${market}/${albumId}`;
}

/**
 * What changes when an album changes (tracks added, re-dated). Simplified albums in the
 * listing and full albums from the lookup both carry these fields.
 */
export function albumSignature(album: unknown): string | null {
  if (!isRecord(album) || typeof album.id !== 'string') return null;
  const tracks = typeof album.total_tracks === 'number' ? album.total_tracks : null;
  const released = typeof album.release_date === 'string' ? album.release_date : null;
  if (tracks === null || released === null) return null;
  return `${tracks}|${released}`;
}

/** The listed albums whose tracks were collected as they look now (nothing to do for them). */
export async function unchangedAlbums(
  state: StateStore,
  market: string,
  listed: ReadonlyMap<string, string>,
): Promise<Set<string>> {
  const limit = pLimit(16);
  const unchanged = new Set<string>();
  await Promise.all(
    [...listed].map(([id, signature]) =>
      limit(async () => {
        const known = await state.get(albumKey(market, id), knownSchema);
        if (known?.value.signature === signature) unchanged.add(id);
      }),
    ),
  );
  return unchanged;
}

/** Records albums whose tracks a run collected completely. */
export async function rememberAlbums(
  state: StateStore,
  market: string,
  albums: readonly unknown[],
  now: Date,
): Promise<void> {
  const limit = pLimit(16);
  await Promise.all(
    albums.map((album) =>
      limit(async () => {
        const signature = albumSignature(album);
        if (signature === null || !isRecord(album) || typeof album.id !== 'string') return;
        const key = albumKey(market, album.id);
        const current = await state.get(key, knownSchema);
        if (current?.value.signature === signature) return;
        await state.put(
          key,
          { signature, collectedAt: now.toISOString() },
          { ifVersion: current?.version ?? null },
        );
      }),
    ),
  );
}
