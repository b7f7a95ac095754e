// Deterministic podcast content for the Spotify sandbox: a search for "data hackers" with
// more than 50 matching shows where the real "Data Hackers" is not the first hit, and
// shows with any number of episodes, some mentioning "Grupo Boticário" in varied spellings.
import { createHash } from 'node:crypto';
import type { SandboxRequest } from '../http-sandbox.js';
import { spotifyError, type SpotifySandbox } from './server.js';

export function sandboxId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('/')).digest('hex');
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let n = BigInt('0x' + hex.slice(0, 30));
  let id = '';
  while (id.length < 22) {
    id += alphabet[Number(n % 62n)];
    n /= 62n;
  }
  return id;
}

export const DATA_HACKERS_ID = sandboxId('show', 'data-hackers');

export interface SandboxShow {
  id: string;
  name: string;
  description: string;
  publisher: string;
  /** Episodes published: numbered 1 (oldest) to `episodes` (newest). */
  episodes: number;
  /** Episode numbers taken down: they leave the listing (and its total). */
  removed?: number[];
  /** A `total` the listing reports instead of its real length (a stale count). */
  reportedTotal?: number;
}

const MENTION_SPELLINGS = [
  'Grupo Boticário',
  'GRUPO BOTICARIO',
  'grupo boticario',
  'Grupo  Boticário',
];

export interface PodcastCatalogOptions {
  /** Episodes of the real Data Hackers show. */
  dataHackersEpisodes?: number;
  /** Matching shows besides Data Hackers. */
  otherShows?: number;
  /** Every Nth episode carries a malformed field (0 = none): deliberately off-contract. */
  malformedEvery?: number;
  /**
   * Listing positions (0 = newest) of Data Hackers episodes that are not available in the
   * market: show-episode pages carry `null` there, as the real API does.
   */
  unavailableEpisodes?: readonly number[];
  /** Search ranks (0-based) of shows that come back as `null` items in search pages. */
  unavailableShows?: readonly number[];
  /** Search `total` drifts between pages of one walk, as the real one does (default true). */
  driftingTotal?: boolean;
}

export class PodcastCatalog {
  readonly shows: SandboxShow[];
  readonly malformedEvery: number;
  readonly unavailableEpisodes: ReadonlySet<number>;
  readonly unavailableShows: ReadonlySet<number>;
  readonly driftingTotal: boolean;

  constructor(options: PodcastCatalogOptions = {}) {
    const others = options.otherShows ?? 62;
    this.malformedEvery = options.malformedEvery ?? 0;
    this.unavailableEpisodes = new Set(options.unavailableEpisodes ?? []);
    this.unavailableShows = new Set(options.unavailableShows ?? []);
    this.driftingTotal = options.driftingTotal ?? true;
    const decoys: SandboxShow[] = Array.from({ length: others }, (_, i) => ({
      id: sandboxId('show', 'other', String(i)),
      name:
        i === 0 ? 'Data Hackers Clips' : i === 1 ? 'Hackers de Dados' : `Data & Hackers Talk ${i}`,
      description: `Conversas sobre dados e tecnologia, edição ${i}.`,
      publisher: `Publisher ${i % 7}`,
      episodes: 3 + (i % 5),
    }));
    const real: SandboxShow = {
      id: DATA_HACKERS_ID,
      name: 'Data Hackers',
      description: 'O podcast da maior comunidade de dados do Brasil.',
      publisher: 'Data Hackers',
      episodes: options.dataHackersEpisodes ?? 137,
    };
    // The real show ranks third: a collector that takes the first hit gets the wrong one.
    this.shows = [decoys[0]!, decoys[1]!, real, ...decoys.slice(2)].filter(Boolean);
  }

  showById(id: string): SandboxShow | undefined {
    return this.shows.find((s) => s.id === id);
  }

  showObject(show: SandboxShow, tier: string, market: string): Record<string, unknown> {
    const object: Record<string, unknown> = {
      id: show.id,
      href: `https://api.spotify.com/v1/shows/${show.id}`,
      copyrights: [],
      is_externally_hosted: false,
      name: show.name,
      description: show.description,
      html_description: `<p>${show.description}</p>`,
      explicit: false,
      languages: ['pt-BR'],
      media_type: 'audio',
      total_episodes: show.episodes,
      type: 'show',
      uri: `spotify:show:${show.id}`,
      external_urls: { spotify: `https://open.spotify.com/show/${show.id}` },
      images: [
        { url: `https://i.scdn.co/image/${show.id}-640`, width: 640, height: 640 },
        { url: `https://i.scdn.co/image/${show.id}-64`, width: 64, height: 64 },
      ],
    };
    if (tier === 'extended') {
      object.publisher = show.publisher;
      object.available_markets = [market];
    }
    return object;
  }

  /**
   * The episode numbers a show lists, newest first, without the removed ones (null: none
   * removed, position i lists episode `episodes - i`).
   */
  listing(show: SandboxShow): number[] | null {
    if (!show.removed?.length) return null;
    const gone = new Set(show.removed);
    const numbers: number[] = [];
    for (let n = show.episodes; n >= 1; n--) if (!gone.has(n)) numbers.push(n);
    return numbers;
  }

  episode(show: SandboxShow, index: number, tier: string): Record<string, unknown> {
    const n = show.episodes - index;
    const mention =
      index % 9 === 4 ? MENTION_SPELLINGS[Math.floor(index / 9) % MENTION_SPELLINGS.length]! : null;
    const precision = index % 40 === 39 ? 'month' : index % 53 === 52 ? 'year' : 'day';
    const day = new Date(Date.UTC(2026, 9, 1) - index * 7 * 86_400_000).toISOString().slice(0, 10);
    const id = sandboxId('episode', show.id, String(n));
    const episode: Record<string, unknown> = {
      id,
      href: `https://api.spotify.com/v1/episodes/${id}`,
      uri: `spotify:episode:${id}`,
      images: [{ url: `https://i.scdn.co/image/${id}-640`, width: 640, height: 640 }],
      is_externally_hosted: false,
      name: `#${n} ${mention && index % 2 === 0 ? `Dados no ${mention}` : `Episódio ${n}`}`,
      description: mention
        ? `Neste episódio recebemos o time de dados do ${mention}.`
        : `Conversa número ${n}.`,
      html_description: '<p>…</p>',
      release_date:
        precision === 'day' ? day : precision === 'month' ? day.slice(0, 7) : day.slice(0, 4),
      release_date_precision: precision,
      duration_ms: 1_800_000 + index * 1000,
      explicit: false,
      languages: ['pt-BR'],
      type: 'episode',
      is_playable: true,
      external_urls: { spotify: `https://open.spotify.com/episode/x${n}` },
    };
    if (tier === 'extended') {
      episode.language = 'pt-BR';
      episode.audio_preview_url = null;
    }
    if (this.malformedEvery > 0 && index % this.malformedEvery === this.malformedEvery - 1) {
      episode.duration_ms = 'about an hour';
    }
    return episode;
  }

  search(term: string): SandboxShow[] {
    const words = term.toLowerCase().split(/\s+/).filter(Boolean);
    return this.shows.filter(
      (s) =>
        words.some((w) => `${s.name} ${s.description}`.toLowerCase().includes(w)) ||
        words.length === 0,
    );
  }
}

function requireMarket(req: SandboxRequest): string | null {
  return req.query.get('market');
}

export function installPodcasts(sandbox: SpotifySandbox, catalog: PodcastCatalog): void {
  // GET /search is shared with other content modules (the catalogue's artists): tier caps
  // and the offset ceiling are checked by the sandbox; this answers type=show.
  sandbox.searchType('show', (req, paging) => {
    // Without a market a client-credentials search for shows comes back empty.
    const found = requireMarket(req) ? catalog.search(req.query.get('q') ?? '') : [];
    const objects = found.map((s, rank) =>
      catalog.unavailableShows.has(rank)
        ? null
        : catalog.showObject(s, sandbox.tier, requireMarket(req) ?? ''),
    );
    const page = sandbox.page(req, objects, paging.limit, paging.offset);
    // The real total is an estimate that moves between pages of one walk: here it shrinks
    // by 2 a page (never below what this page shows), while `next` keeps pointing on.
    if (catalog.driftingTotal) {
      const shown = paging.offset + (page.items as unknown[]).length;
      const drifted = objects.length - 2 * Math.floor(paging.offset / paging.limit);
      page.total = Math.max(shown, drifted);
    }
    return page;
  });
  /** The first `limit` episodes from `offset` as a paging object (nulls where unavailable). */
  // With removals, an episode keeps the content it had at its place in the full listing.
  const episodePage = (req: SandboxRequest, show: SandboxShow, limit: number, offset: number) => {
    const listed = catalog.listing(show);
    const length = listed?.length ?? show.episodes;
    const end = Math.min(length, offset + limit);
    const items = [];
    for (let i = offset; i < end; i++) {
      if (show.id === DATA_HACKERS_ID && catalog.unavailableEpisodes.has(i)) items.push(null);
      else items.push(catalog.episode(show, listed ? show.episodes - listed[i]! : i, sandbox.tier));
    }
    const page = sandbox.page(req, new Array(length), limit, offset);
    return { ...page, items, total: show.reportedTotal ?? length };
  };
  sandbox.api('GET', '/shows/:id', (req, { id }) => {
    const show = catalog.showById(id ?? '');
    const market = requireMarket(req);
    if (!show || !market) return spotifyError(404, 'non existing id');
    // The show embeds the first page of its episodes (up to 50), links built as for the
    // episodes endpoint.
    const first = { ...req, path: `${req.path}/episodes`, query: new URLSearchParams({ market }) };
    return {
      status: 200,
      body: {
        ...catalog.showObject(show, sandbox.tier, market),
        episodes: episodePage(first, show, 50, 0),
      },
    };
  });
  sandbox.api('GET', '/shows/:id/episodes', (req, { id }) => {
    const show = catalog.showById(id ?? '');
    if (!show || !requireMarket(req)) return spotifyError(404, 'non existing id');
    const paging = sandbox.paging(req, 20, 50);
    if ('status' in paging) return paging;
    return { status: 200, body: episodePage(req, show, paging.limit, paging.offset) };
  });
}
