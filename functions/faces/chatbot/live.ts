// What the chatbot does for an artist the index does not know: one live Spotify artist
// search (no retries, timeout = the search budget; the client and its token are loaded on
// first use only), and a collect job through the JobQueue port so the next answer is richer.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { lazy } from '../../platform/lazy.js';
import { stableId } from '../../platform/hash.js';
import type { Logger } from '../../platform/logger.js';
import type { JobMessage, JobQueue } from '../../platform/queue.js';
import type { Services } from '../../platform/runtime.js';
import { childJob } from '../../core/fan-out.js';
import { artistCatalogRef } from '../../sources/spotify/artist-catalog-ref.js';
import { SPOTIFY_ID } from '../../sources/spotify/watchlist.js';
import { isHttpUrl, spotifyArtistUrl, type ArtistView } from './reply.js';
import { fit } from './text.js';

export interface LiveArtist extends ArtistView {
  /** exact: the name equals the question after normalisation; else the best-ranked hit. */
  matchKind: 'exact' | 'best_ranked';
}

/** Resolves with the chosen artist, or null when the search found nobody. */
export type LiveSearch = (query: string) => Promise<LiveArtist | null>;

const searchItem = z.object({
  id: z.string().regex(SPOTIFY_ID),
  name: z.string(),
  images: z.array(z.object({ url: z.string() })).optional(),
  external_urls: z.object({ spotify: z.string().optional() }).optional(),
  genres: z.array(z.string()).optional(),
  popularity: z.number().int().optional(),
  followers: z.object({ total: z.number().int().nullable() }).optional(),
});

/** Live search on the Spotify client of this process (created on the first unknown artist). */
export function spotifyLiveSearch(services: Services, budgetMs: number): LiveSearch {
  const clientOf = lazy(async () => {
    const [{ SpotifyClient }, { loadSpotifyConfig }] = await Promise.all([
      import('../../sources/spotify/client.js'),
      import('../../sources/spotify/config.js'),
    ]);
    return new SpotifyClient({
      config: loadSpotifyConfig(services.env),
      // A chat answer cannot wait for backoffs or Retry-After: one attempt within the budget.
      policy: {
        ...services.config.http,
        timeoutMs: budgetMs,
        retries: 0,
        retryAfterBudgetSeconds: 0,
      },
      clock: services.clock,
      secrets: await services.secrets(),
    });
  });
  return async (query) => {
    const spotify = await clientOf();
    const { chooseArtist } = await import('../../sources/spotify/artist-match.js');
    const answer = await spotify.getInMarket('search', {
      q: query,
      type: 'artist',
      limit: Math.min(10, spotify.limits.search),
    });
    const body = z
      .object({ artists: z.object({ items: z.array(z.unknown()) }) })
      .safeParse(answer.body);
    if (!body.success) throw new Error('Spotify search answered without an artists page');
    const hits = body.data.artists.items.flatMap((item, i) => {
      const parsed = searchItem.safeParse(item);
      return parsed.success ? [{ rank: i + 1, item: parsed.data }] : [];
    });
    const choice = chooseArtist(
      query,
      hits.map((h) => ({ rank: h.rank, artistId: h.item.id, name: h.item.name })),
    );
    if (choice.chosen === null || choice.matchKind === 'none') return null;
    const hit = hits.find((h) => h.item.id === choice.chosen!.artistId)!.item;
    const image = hit.images?.find((i) => isHttpUrl(i.url))?.url ?? null;
    const link = hit.external_urls?.spotify;
    return {
      id: hit.id,
      name: hit.name,
      imageUrl: image,
      spotifyUrl: isHttpUrl(link) ? link : spotifyArtistUrl(hit.id),
      genres: hit.genres ?? [],
      popularity: hit.popularity ?? null,
      followers: hit.followers?.total ?? null,
      matchKind: choice.matchKind,
    };
  };
}

export type Collect = (artist: { id: string; name: string }) => Promise<boolean>;

/** The collect job of an artist found live: the catalogue planner for that one artist. */
function collectMessage(
  artist: { id: string; name: string },
  now: Date,
): JobMessage & { runId: string } {
  const day = now.toISOString().slice(0, 10);
  return {
    ...childJob(artistCatalogRef, {
      artists: [{ name: fit(artist.name, 200), id: artist.id }],
      maxArtists: 1,
    }),
    // One run per artist per day: repeated questions publish the same run, which
    // MemoryQueue drops and the Pub/Sub subscriber acknowledges once it has completed.
    runId: `chat-${stableId('chatbot-collect', artist.id, day)}`,
    requestedAt: now.toISOString(),
  };
}

/** Publishes collect jobs, at most once per artist per process and day. */
export function queueCollect(queue: () => Promise<JobQueue>, clock: Clock, log: Logger): Collect {
  const recent = new Map<string, string>();
  return async (artist) => {
    let message: ReturnType<typeof collectMessage>;
    try {
      // The planner's param schema checks the params here (an unusable name is refused).
      message = collectMessage(artist, clock.now());
    } catch (error) {
      log.warn('collect job not published: invalid params', { artist_id: artist.id, error });
      return false;
    }
    if (recent.get(artist.id) === message.runId) return true;
    recent.set(artist.id, message.runId);
    if (recent.size > 10_000) recent.clear();
    try {
      const q = await queue();
      const id = await q.publish(message);
      await q.flush();
      log.info('collect job published for an artist found by live search', {
        artist_id: artist.id,
        job: message.job,
        message_id: id,
        run_id: message.runId,
      });
      return true;
    } catch (error) {
      recent.delete(artist.id);
      log.warn('collect job could not be published', { artist_id: artist.id, error });
      return false;
    }
  };
}
