// Raw Spotify podcast answers → typed rows. Pure functions of the landed line, shared by
// live runs, replay and `fanpulse map`.
import {
  spotifyEpisodeMentions,
  spotifyEpisodes,
  spotifyShows,
} from '../../schemas/spotify-podcasts.js';
import type { RowOf } from '../../schemas/define.js';
import { FieldReader, isRecord } from '../platform/fields.js';
import { standardFields, tableRows, type EntityMapper } from '../platform/ingest.js';
import type { QualityCounters } from '../platform/quality.js';
import type { RawLine, RunIdentity } from '../platform/raw-landing.js';
import { mentions } from '../platform/text.js';

const SPOTIFY_ID = /^[0-9A-Za-z]{1,64}$/;

type ShowRow = RowOf<typeof spotifyShows>;
type EpisodeRow = RowOf<typeof spotifyEpisodes>;
type MentionRow = RowOf<typeof spotifyEpisodeMentions>;

function largestImage(r: FieldReader): string | null {
  const images = r.raw('images');
  if (!Array.isArray(images)) return null;
  const sized = images.filter(isRecord).filter((i) => typeof i.url === 'string');
  sized.sort((a, b) => (Number(b.width) || 0) - (Number(a.width) || 0));
  return (sized[0]?.url as string | undefined) ?? null;
}

function spotifyUrl(r: FieldReader): string | null {
  return r.nested('external_urls')?.url('spotify') ?? null;
}

/** Reads the record's id; without a valid one the record is rejected and counted. */
function readId(
  item: unknown,
  table: string,
  quality: QualityCounters,
): { r: FieldReader; id: string } | null {
  if (!isRecord(item)) {
    quality.rejectedRecord(
      table,
      `expected an object, got ${item === null ? 'null' : typeof item}`,
    );
    return null;
  }
  const id = item.id;
  if (typeof id !== 'string' || !SPOTIFY_ID.test(id)) {
    quality.rejectedRecord(table, `missing or malformed id: ${JSON.stringify(id)?.slice(0, 40)}`);
    return null;
  }
  return { r: new FieldReader(item, table, quality), id };
}

export function mapShow(
  item: unknown,
  extra: { market: string | null; searchTerm: string | null; searchRank: number | null },
  run: RunIdentity,
  quality: QualityCounters,
): ShowRow | null {
  const read = readId(item, spotifyShows.name, quality);
  if (!read) return null;
  const { r, id } = read;
  return {
    show_id: id,
    name: r.string('name'),
    description: r.string('description'),
    publisher: r.string('publisher'),
    total_episodes: r.int('total_episodes', { min: 0 }),
    languages: r.stringArray('languages'),
    explicit: r.bool('explicit'),
    media_type: r.string('media_type'),
    spotify_url: spotifyUrl(r),
    image_url: largestImage(r),
    market: extra.market,
    search_term: extra.searchTerm,
    search_rank: extra.searchRank,
    ...standardFields(run),
  };
}

const PRECISIONS = ['year', 'month', 'day'] as const;
const RELEASE_DATE: Record<(typeof PRECISIONS)[number], RegExp> = {
  year: /^\d{4}$/,
  month: /^\d{4}-\d{2}$/,
  day: /^\d{4}-\d{2}-\d{2}$/,
};

export function mapEpisode(
  item: unknown,
  extra: { showId: string; market: string | null },
  run: RunIdentity,
  quality: QualityCounters,
): EpisodeRow | null {
  const read = readId(item, spotifyEpisodes.name, quality);
  if (!read) return null;
  const { r, id } = read;
  const precision = r.oneOf('release_date_precision', PRECISIONS);
  // The date is kept as Spotify wrote it; it is only checked against its own precision.
  const releaseDate = r.string(
    'release_date',
    precision ? { pattern: RELEASE_DATE[precision] } : {},
  );
  return {
    episode_id: id,
    show_id: extra.showId,
    name: r.string('name'),
    description: r.string('description'),
    release_date: releaseDate,
    release_date_precision: precision,
    duration_ms: r.int('duration_ms', { min: 0 }),
    language: r.string('language'),
    languages: r.stringArray('languages'),
    explicit: r.bool('explicit'),
    type: r.string('type'),
    spotify_url: spotifyUrl(r),
    market: extra.market,
    ...standardFields(run),
  };
}

export function mentionRows(
  episodes: EpisodeRow[],
  terms: readonly string[],
  run: RunIdentity,
): MentionRow[] {
  return episodes.flatMap((e) =>
    terms.map((term) => {
      const inName = mentions(e.name, term);
      const inDescription = mentions(e.description, term);
      return {
        episode_id: e.episode_id,
        show_id: e.show_id,
        term,
        in_name: inName,
        in_description: inDescription,
        matched: inName || inDescription,
        ...standardFields(run),
      };
    }),
  );
}

function contextString(line: RawLine, key: string): string | null {
  const v = line.context[key];
  return typeof v === 'string' ? v : null;
}

function contextNumber(line: RawLine, key: string): number {
  const v = line.context[key];
  return typeof v === 'number' ? v : 0;
}

function items(
  body: unknown,
  wrapper: string | null,
  line: RawLine,
  table: string,
  quality: QualityCounters,
): unknown[] {
  const container = wrapper === null ? body : isRecord(body) ? body[wrapper] : undefined;
  if (isRecord(container) && Array.isArray(container.items)) return container.items;
  quality.count(table, 'malformed_answer', `${line.request.url}: no items array`);
  return [];
}

export const showSearchMapper: EntityMapper = {
  source: 'spotify',
  entity: 'show_search',
  description: 'GET /search?type=show answers → spotify_shows (with search term and rank)',
  map(line, run, quality) {
    const term = contextString(line, 'term');
    const offset = contextNumber(line, 'offset');
    const market = contextString(line, 'market');
    const rows = items(line.body, 'shows', line, spotifyShows.name, quality)
      .map((item, i) =>
        mapShow(item, { market, searchTerm: term, searchRank: offset + i + 1 }, run, quality),
      )
      .filter((r): r is ShowRow => r !== null);
    return [tableRows(spotifyShows, rows)];
  },
};

export const showMapper: EntityMapper = {
  source: 'spotify',
  entity: 'show',
  description: 'GET /shows/{id} answers → spotify_shows',
  map(line, run, quality) {
    const row = mapShow(
      line.body,
      { market: contextString(line, 'market'), searchTerm: null, searchRank: null },
      run,
      quality,
    );
    return [tableRows(spotifyShows, row ? [row] : [])];
  },
};

export const showEpisodesMapper: EntityMapper = {
  source: 'spotify',
  entity: 'show_episodes',
  description: 'GET /shows/{id}/episodes pages → spotify_episodes and spotify_episode_mentions',
  map(line, run, quality) {
    const showId = contextString(line, 'show_id');
    if (!showId) {
      quality.count(spotifyEpisodes.name, 'malformed_answer', 'raw line without context.show_id');
      return [];
    }
    const market = contextString(line, 'market');
    const terms = Array.isArray(line.context.terms)
      ? line.context.terms.filter((t): t is string => typeof t === 'string')
      : [];
    const episodes = items(line.body, null, line, spotifyEpisodes.name, quality)
      .map((item) => mapEpisode(item, { showId, market }, run, quality))
      .filter((r): r is EpisodeRow => r !== null);
    return [
      tableRows(spotifyEpisodes, episodes),
      tableRows(spotifyEpisodeMentions, mentionRows(episodes, terms, run)),
    ];
  },
};

export const podcastMappers: readonly EntityMapper[] = [
  showSearchMapper,
  showMapper,
  showEpisodesMapper,
];
