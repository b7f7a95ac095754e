// Artist searches and the name → artist choices made from them. The search pages are landed
// for the record only; the choice (asked, chosen, why) is its own derived entity, so a
// replay rebuilds spotify_artist_search without searching again.
import { spotifyArtistSearch } from './catalogue-tables.js';
import type { RowOf } from '../../../schemas/define.js';
import { FieldReader, isRecord } from '../../platform/fields.js';
import { standardFields, tableRows, type EntityMapper } from '../../core/ingest.js';
import { SPOTIFY_ID } from './watchlist.js';

type ArtistSearchRow = RowOf<typeof spotifyArtistSearch>;

const MATCH_KINDS = ['exact', 'best_ranked', 'none'] as const;

export const artistSearchMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artist_search',
  description:
    'GET /search?type=artist pages: landed for the record only (no rows); the choice made from them is the artist_resolution entity',
  map: () => [],
};

/** The body of an artist_resolution record, landed by the job after it searched. */
export interface ArtistResolutionRecord {
  query: string;
  normalized_query: string;
  market: string;
  match_kind: (typeof MATCH_KINDS)[number];
  artist_id: string | null;
  artist_name: string | null;
  rank: number | null;
  reason: string;
  candidates: Array<{ rank: number; artist_id: string; name: string; exact: boolean }>;
  total_results: number | null;
}

export const artistResolutionMapper: EntityMapper = {
  source: 'spotify',
  entity: 'artist_resolution',
  description:
    'Name → artist choices made from artist searches (asked, chosen, why) → spotify_artist_search',
  map(line, run, q) {
    const read = isRecord(line.body)
      ? new FieldReader(line.body, spotifyArtistSearch.name, q)
      : null;
    const query = read?.string('query');
    const normalized = read?.string('normalized_query');
    const market = read?.string('market');
    const kind = read?.oneOf('match_kind', MATCH_KINDS);
    const reason = read?.string('reason');
    if (!read || !query || normalized == null || !market || !kind || !reason) {
      q.rejectedRecord(spotifyArtistSearch.name, 'resolution record without query/market/kind');
      return [];
    }
    const candidates = Array.isArray(read.raw('candidates'))
      ? (read.raw('candidates') as unknown[])
      : [];
    const row: ArtistSearchRow = {
      query,
      normalized_query: normalized,
      market,
      artist_id: read.string('artist_id', { pattern: SPOTIFY_ID }),
      artist_name: read.string('artist_name'),
      match_kind: kind,
      rank: read.int('rank', { min: 1 }),
      reason,
      candidates,
      candidate_count: candidates.length,
      total_results: read.int('total_results', { min: 0 }),
      ...standardFields(run),
    };
    return [tableRows(spotifyArtistSearch, [row])];
  },
};
