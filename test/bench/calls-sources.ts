// The calls benchmark's sandboxes, one per source whose jobs call an external API, and
// what it knows about the jobs no schedule sends. A source with a scheduled job and no
// sandbox here, or a job that is neither scheduled nor listed, fails the coverage test
// (test/bench-support/calls.test.ts): a new collector cannot be left out of the benchmark.
import type { Catalog } from '../../functions/core/catalog.js';
import { DEFAULT_HASHTAGS } from '../../functions/sources/instagram/config.js';
import { DEFAULT_WATCHLIST } from '../../functions/sources/spotify/watchlist.js';
import { InstagramSandbox } from '../sandbox/instagram/server.js';
import { installCatalogue, type Catalogue } from '../sandbox/spotify/catalogue.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox, type Tier } from '../sandbox/spotify/server.js';

/** A running sandbox as the benchmark counts it. */
interface BenchSandbox {
  env: Record<string, string>;
  /** Requests to the API itself (OAuth token requests not included). */
  apiCalls(): number;
  /** OAuth token requests (0 where the source uses a long-lived token). */
  tokenCalls(): number;
  stop(): Promise<void>;
}

interface SandboxOptions {
  /** Spotify access tier (other sources have none). */
  tier: Tier;
  /** The benchmark's fake clock. */
  now: () => number;
  /** The first run time: content that moves with time is frozen here (unchanged data). */
  frozenAt: number;
}

let catalogue: Catalogue | null = null;
/** The synthetic Spotify catalogue holds every artist of the default watch list. */
function spotifyCatalogue(): Catalogue {
  catalogue ??= syntheticCatalogue({ artists: 200 });
  return catalogue;
}

async function spotifySandbox(options: SandboxOptions): Promise<BenchSandbox> {
  const sandbox = new SpotifySandbox({ tier: options.tier, contract: false, now: options.now });
  installPodcasts(sandbox, new PodcastCatalog());
  installCatalogue(sandbox, spotifyCatalogue());
  await sandbox.start();
  return {
    env: { ...sandbox.env(), SPOTIFY_MARKET: 'BR' },
    apiCalls: () => sandbox.apiCalls(),
    tokenCalls: () => sandbox.tokenCalls(),
    stop: () => sandbox.stop(),
  };
}

/** Instagram feeds: posts an hour under each default hashtag, and for how long before. */
export const POSTS_PER_HOUR = 6;
export const FEED_HISTORY_HOURS = 2;

async function instagramSandbox(options: SandboxOptions): Promise<BenchSandbox> {
  // Feeds frozen at the first run: the steady-state run sees exactly the posts the first one
  // saw. No usage pressure: this counts the patterns.
  const sandbox = new InstagramSandbox({
    now: () => options.frozenAt,
    hashtags: Object.fromEntries(DEFAULT_HASHTAGS.map((t) => [t, POSTS_PER_HOUR])),
    feedHistoryMs: FEED_HISTORY_HOURS * 3600_000,
    callsPerHour: 1_000_000,
  });
  // What Instagram counts against the budget: the hashtags this account searched.
  sandbox.route('GET', '/:version/:id/recently_searched_hashtags', () => {
    const searched = new Set(
      sandbox.log.filter((r) => r.path.endsWith('/ig_hashtag_search')).map((r) => r.query.q),
    );
    const ids = sandbox.feeds.filter((f) => searched.has(f.tag)).map((f) => ({ id: f.id }));
    return { status: 200, body: { data: ids } };
  });
  await sandbox.start();
  return {
    env: sandbox.env(),
    apiCalls: () => sandbox.apiCalls(),
    tokenCalls: () => 0,
    stop: () => sandbox.stop(),
  };
}

/** A sandbox for every source that has a job calling an external API. */
export const BENCH_SANDBOXES: Readonly<
  Record<string, (options: SandboxOptions) => Promise<BenchSandbox>>
> = {
  spotify: spotifySandbox,
  instagram: instagramSandbox,
};

/** Sources measured in both Spotify tiers (the default deployment is development). */
export const TIERED_SOURCES: ReadonlySet<string> = new Set(['spotify']);

/** How the benchmark covers a job that no schedule sends. */
type Unscheduled =
  | { kind: 'fan-out'; parent: string; tiers: readonly Tier[] }
  | { kind: 'on-demand'; why: string; sample: () => Record<string, unknown> }
  | { kind: 'no-external-api'; why: string };

function sampleTrackIds(): string[] {
  const albums = spotifyCatalogue().albums.slice(0, 10);
  return albums
    .flatMap((a) =>
      spotifyCatalogue()
        .tracks(a)
        .map((t) => t.id),
    )
    .slice(0, 50);
}

export const UNSCHEDULED: Readonly<Record<string, Unscheduled>> = {
  'spotify.artist': {
    kind: 'fan-out',
    parent: 'spotify.artist_catalog',
    tiers: ['development', 'extended'],
  },
  'spotify.artist_albums': {
    kind: 'fan-out',
    parent: 'spotify.artist_catalog',
    tiers: ['development', 'extended'],
  },
  'spotify.album_tracks': {
    kind: 'fan-out',
    parent: 'spotify.artist_catalog',
    tiers: ['development', 'extended'],
  },
  'spotify.artist_top_tracks': {
    kind: 'fan-out',
    parent: 'spotify.artist_catalog',
    tiers: ['extended'],
  },
  'spotify.artist_search': {
    kind: 'on-demand',
    why: 'CLI and operators (the planner searches names itself)',
    sample: () => ({ names: DEFAULT_WATCHLIST.slice(0, 5) }),
  },
  'spotify.tracks': {
    kind: 'on-demand',
    why: 'CLI and operators (full tracks by id)',
    sample: () => ({ trackIds: sampleTrackIds() }),
  },
  'events.ingest': {
    kind: 'no-external-api',
    why: 'lands events pushed to the events HTTP function',
  },
  'platform.replay': {
    kind: 'no-external-api',
    why: 'reloads raw objects already landed into the warehouse',
  },
};

/** What the benchmark would leave out: problems to fix in this file, empty when none. */
export function coverageGaps(of: Pick<Catalog, 'jobs'>): string[] {
  const gaps: string[] = [];
  const names = new Set(of.jobs.map((j) => j.name));
  for (const job of of.jobs) {
    const listed = UNSCHEDULED[job.name];
    if (job.schedules.length > 0) {
      if (listed) gaps.push(`${job.name} is scheduled but listed as ${listed.kind}`);
      if (!BENCH_SANDBOXES[job.source])
        gaps.push(`${job.name} is scheduled but source ${job.source} has no bench sandbox`);
    } else if (!listed) {
      gaps.push(`${job.name} has no schedule and no entry in UNSCHEDULED`);
    } else if (listed.kind === 'on-demand' && !BENCH_SANDBOXES[job.source]) {
      gaps.push(`${job.name} is measured on demand but source ${job.source} has no bench sandbox`);
    } else if (listed.kind === 'fan-out') {
      const parent = of.jobs.find((j) => j.name === listed.parent);
      if (!parent || parent.schedules.length === 0)
        gaps.push(`${job.name} is listed as a child of ${listed.parent}, which is not scheduled`);
    }
  }
  for (const name of Object.keys(UNSCHEDULED))
    if (!names.has(name)) gaps.push(`UNSCHEDULED lists ${name}, which the catalogue does not have`);
  return gaps;
}
