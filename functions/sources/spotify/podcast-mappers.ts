// Raw Spotify podcast answers → typed rows. Pure functions of the landed line, shared by
// live runs, replay and `fanpulse map`.
import {
  spotifyEpisodeListings,
  spotifyEpisodeMentions,
  spotifyEpisodes,
  spotifyShows,
} from './podcast-tables.js';
import type { RowOf } from '../../../schemas/define.js';
import {
  contextNumber,
  contextString,
  requiredContext,
  standardFields,
  tableRows,
  type EntityMapper,
  type TableRows,
} from '../../core/ingest.js';
import type { QualityCounters } from '../../platform/quality.js';
import { isRecord } from '../../platform/fields.js';
import type { RawLine, RunIdentity } from '../../platform/raw-landing.js';
import { mentionMatcher } from '../../platform/text.js';
import { largestImage, pageItems, readSpotifyRecord, releaseDate, spotifyUrl } from './fields.js';

type ShowRow = RowOf<typeof spotifyShows>;
type EpisodeRow = RowOf<typeof spotifyEpisodes>;
type MentionRow = RowOf<typeof spotifyEpisodeMentions>;
type ListingRow = RowOf<typeof spotifyEpisodeListings>;

export function mapShow(
  item: unknown,
  extra: { market: string | null; searchTerm: string | null; searchRank: number | null },
  run: RunIdentity,
  quality: QualityCounters,
): ShowRow | null {
  const read = readSpotifyRecord(item, spotifyShows.name, quality);
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

export function mapEpisode(
  item: unknown,
  extra: { showId: string; market: string | null },
  run: RunIdentity,
  quality: QualityCounters,
): EpisodeRow | null {
  const read = readSpotifyRecord(item, spotifyEpisodes.name, quality);
  if (!read) return null;
  const { r, id } = read;
  const { date, precision } = releaseDate(r);
  return {
    episode_id: id,
    show_id: extra.showId,
    name: r.string('name'),
    description: r.string('description'),
    release_date: date,
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
  const matchers = terms.map((term) => ({ term, matches: mentionMatcher(term) }));
  return episodes.flatMap((e) =>
    matchers.map(({ term, matches }) => {
      const inName = matches(e.name);
      const inDescription = matches(e.description);
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

export const showSearchMapper: EntityMapper = {
  source: 'spotify',
  entity: 'show_search',
  description: 'GET /search?type=show answers → spotify_shows (with search term and rank)',
  map(line, run, quality) {
    const term = contextString(line, 'term');
    const offset = contextNumber(line, 'offset');
    const market = contextString(line, 'market');
    const rows = pageItems(line.body, 'shows', line, spotifyShows.name, quality)
      .map((item, i) =>
        mapShow(item, { market, searchTerm: term, searchRank: offset + i + 1 }, run, quality),
      )
      .filter((r): r is ShowRow => r !== null);
    return [tableRows(spotifyShows, rows)];
  },
};

/** The terms a line's context asks mentions for. */
function contextTerms(line: RawLine): string[] {
  return Array.isArray(line.context.terms)
    ? line.context.terms.filter((t): t is string => typeof t === 'string')
    : [];
}

/**
 * The listing row of a show's last episode page (`next` is null): the run walked the listing
 * to its end, a complete listing for spotify_episode_presence. Other pages give none.
 */
function listingRows(
  page: unknown,
  showId: string,
  market: string | null,
  run: RunIdentity,
): ListingRow[] {
  if (!isRecord(page) || page.next !== null || !Array.isArray(page.items)) return [];
  const offset = typeof page.offset === 'number' && Number.isInteger(page.offset) ? page.offset : 0;
  const total = typeof page.total === 'number' && Number.isInteger(page.total) ? page.total : null;
  return [
    {
      show_id: showId,
      total_episodes: total,
      listing_end: offset + page.items.length,
      market,
      ...standardFields(run),
    },
  ];
}

/** Episode, mention and listing rows of one page of a show's episodes. */
function episodeTables(
  page: unknown,
  line: RawLine,
  showId: string,
  run: RunIdentity,
  quality: QualityCounters,
): TableRows[] {
  const market = contextString(line, 'market');
  const episodes = pageItems(page, null, line, spotifyEpisodes.name, quality)
    .map((item) => mapEpisode(item, { showId, market }, run, quality))
    .filter((r): r is EpisodeRow => r !== null);
  return [
    tableRows(spotifyEpisodes, episodes),
    tableRows(spotifyEpisodeMentions, mentionRows(episodes, contextTerms(line), run)),
    tableRows(spotifyEpisodeListings, listingRows(page, showId, market, run)),
  ];
}

export const showMapper: EntityMapper = {
  source: 'spotify',
  entity: 'show',
  description:
    'GET /shows/{id} answers → spotify_shows, and the embedded first page of episodes → spotify_episodes and spotify_episode_mentions',
  map(line, run, quality) {
    const row = mapShow(
      line.body,
      { market: contextString(line, 'market'), searchTerm: null, searchRank: null },
      run,
      quality,
    );
    const shows = tableRows(spotifyShows, row ? [row] : []);
    const embedded = isRecord(line.body) ? line.body.episodes : undefined;
    if (!row || embedded === undefined) return [shows];
    return [shows, ...episodeTables(embedded, line, row.show_id, run, quality)];
  },
};

export const showEpisodesMapper: EntityMapper = {
  source: 'spotify',
  entity: 'show_episodes',
  description: 'GET /shows/{id}/episodes pages → spotify_episodes and spotify_episode_mentions',
  map(line, run, quality) {
    const need = requiredContext(line, ['show_id'], spotifyEpisodes.name, quality);
    if (!need) return [];
    return episodeTables(line.body, line, need.show_id, run, quality);
  },
};

export const podcastMappers: readonly EntityMapper[] = [
  showSearchMapper,
  showMapper,
  showEpisodesMapper,
];
