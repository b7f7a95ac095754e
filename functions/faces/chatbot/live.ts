// What the chatbot does for an artist the index does not know: one live Spotify artist
// search (no retries, timeout = the search budget; the client and its token are loaded on
// first use only) that returns the hits for live-choice.ts to judge, and a collect job
// through the JobQueue port so the next answer is richer (one per artist and day, across
// instances: a StateStore marker created "only if absent").
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { DeferredError, SourceHttpError } from '../../platform/errors.js';
import { lazy } from '../../platform/lazy.js';
import { stableId } from '../../platform/hash.js';
import type { Logger } from '../../platform/logger.js';
import type { JobMessage, JobQueue } from '../../platform/queue.js';
import type { Services } from '../../platform/runtime.js';
import { StateConflictError, type StateStore } from '../../platform/state.js';
import { childJob } from '../../core/fan-out.js';
import { artistCatalogRef } from '../../sources/spotify/artist-catalog-ref.js';
import { SPOTIFY_ID } from '../../sources/spotify/watchlist.js';
import { isHttpUrl, spotifyArtistUrl, type ArtistView } from './reply.js';
import { fit } from './text.js';

export type LiveArtist = ArtistView;

/** Resolves with the hits in Spotify's order (none: an empty list). */
export type LiveSearch = (query: string) => Promise<LiveArtist[]>;

/** Spotify answered 429: no call until the penalty is over. */
export class SpotifyRateLimited extends Error {
  constructor(readonly retryAfterSeconds: number | null) {
    super(`Spotify rate limited the search (Retry-After ${retryAfterSeconds ?? 'not given'})`);
  }
}

const searchItem = z.object({
  id: z.string().regex(SPOTIFY_ID),
  name: z.string().min(1),
  images: z.array(z.object({ url: z.string() })).nullish(),
  external_urls: z.object({ spotify: z.string().optional() }).nullish(),
  genres: z.array(z.string()).nullish(),
  popularity: z.number().int().nullish(),
  followers: z.object({ total: z.number().int().nullable() }).nullish(),
});

/** The hits of a search answer; items that are null or malformed are skipped. */
export function hitsOf(body: unknown): LiveArtist[] {
  const page = z.object({ artists: z.object({ items: z.array(z.unknown()) }) }).safeParse(body);
  if (!page.success) throw new Error('Spotify search answered without an artists page');
  return page.data.artists.items.flatMap((item) => {
    const parsed = searchItem.safeParse(item);
    if (!parsed.success) return [];
    const hit = parsed.data;
    const link = hit.external_urls?.spotify;
    return [
      {
        id: hit.id,
        name: hit.name,
        imageUrl: hit.images?.find((i) => isHttpUrl(i.url))?.url ?? null,
        spotifyUrl: isHttpUrl(link) ? link : spotifyArtistUrl(hit.id),
        genres: hit.genres ?? [],
        popularity: hit.popularity ?? null,
        followers: hit.followers?.total ?? null,
      },
    ];
  });
}

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
      // The app's quota is shared with the collectors: no live call while it is penalized.
      penalty: (await import('../../platform/penalty-box.js')).penaltyBoxFor(services),
    });
  });
  return async (query) => {
    const spotify = await clientOf();
    try {
      const answer = await spotify.getInMarket('search', {
        q: query,
        type: 'artist',
        limit: Math.min(10, spotify.limits.search),
      });
      return hitsOf(answer.body);
    } catch (error) {
      if (error instanceof DeferredError && error.reason === 'rate-limited')
        throw new SpotifyRateLimited(error.retryAfterSeconds);
      if (error instanceof SourceHttpError && error.status === 429)
        throw new SpotifyRateLimited(null);
      throw error;
    }
  };
}

/** Publishes a collect job; 'published', 'already' (today, by any instance) or 'failed'. */
export type Collect = (artist: { id: string; name: string }) => Promise<CollectOutcome>;
export type CollectOutcome = 'published' | 'already' | 'failed';

/** The collect job of an artist found live: the catalogue planner for that one artist. */
function collectMessage(
  artist: { id: string; name: string },
  now: Date,
): JobMessage & { runId: string; requestedAt: string } {
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

const collectMarker = z.object({ day: z.string() });
const markerKey = (artistId: string, day: string) => `chatbot/collects/${day}/${artistId}`;

/**
 * Marks "collected today" for every instance. Written after the publish, so a failed
 * publish never blocks the day; two instances racing both publish the same run id, which
 * the subscriber runs once.
 */
async function markCollected(state: StateStore, artistId: string, day: string): Promise<void> {
  try {
    await state.put(markerKey(artistId, day), { day }, { ifVersion: null });
  } catch (error) {
    if (!(error instanceof StateConflictError)) throw error;
  }
}

/** Publishes collect jobs, at most once per artist per day (this process, then all). */
export function queueCollect(
  queue: () => Promise<JobQueue>,
  clock: Clock,
  log: Logger,
  state: (() => Promise<StateStore>) | null = null,
): Collect {
  const recent = new Map<string, string>();
  return async (artist) => {
    let message: ReturnType<typeof collectMessage>;
    try {
      // The planner's param schema checks the params here (an unusable name is refused).
      message = collectMessage(artist, clock.now());
    } catch (error) {
      log.warn('collect job not published: invalid params', { artist_id: artist.id, error });
      return 'failed';
    }
    if (recent.get(artist.id) === message.runId) return 'already';
    recent.set(artist.id, message.runId);
    if (recent.size > 10_000) recent.delete(recent.keys().next().value!);
    try {
      const day = message.requestedAt.slice(0, 10);
      const store = state ? await state() : null;
      if (store && (await store.get(markerKey(artist.id, day), collectMarker))) return 'already';
      const q = await queue();
      const id = await q.publish(message);
      await q.flush();
      if (store) await markCollected(store, artist.id, day);
      log.info('collect job published for an artist found by live search', {
        artist_id: artist.id,
        job: message.job,
        message_id: id,
        run_id: message.runId,
      });
      return 'published';
    } catch (error) {
      recent.delete(artist.id);
      log.warn('collect job could not be published', { artist_id: artist.id, error });
      return 'failed';
    }
  };
}
