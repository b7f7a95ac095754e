// Fields every Spotify object writes the same way (ids, images, links, release dates, paging
// objects), read once here for the podcast and the catalogue mappers.
import { FieldReader, isRecord, readRecordId } from '../../platform/fields.js';
import { listIn } from '../../core/ingest.js';
import type { QualityCounters } from '../../platform/quality.js';
import type { RawLine } from '../../platform/raw-landing.js';
import { SPOTIFY_ID } from './watchlist.js';

const PRECISIONS = ['year', 'month', 'day'] as const;
const RELEASE_DATE: Record<(typeof PRECISIONS)[number], RegExp> = {
  year: /^\d{4}$/,
  month: /^\d{4}-\d{2}$/,
  day: /^\d{4}-\d{2}-\d{2}$/,
};

/**
 * The record's base-62 id; without a valid one the record is rejected and counted. A `null`
 * item (search and show-episode pages carry them for content not available in the market)
 * is counted as `unavailable`, not as a bad record.
 */
export function readSpotifyRecord(
  item: unknown,
  table: string,
  quality: QualityCounters,
): { r: FieldReader; id: string } | null {
  if (item === null) {
    quality.count(table, 'unavailable', 'null item: not available in the market');
    return null;
  }
  return readRecordId(item, table, quality, SPOTIFY_ID);
}

export function largestImage(r: FieldReader): string | null {
  const images = r.raw('images');
  if (!Array.isArray(images)) return null;
  const sized = images.filter(isRecord).filter((i) => typeof i.url === 'string');
  sized.sort((a, b) => (Number(b.width) || 0) - (Number(a.width) || 0));
  return (sized[0]?.url as string | undefined) ?? null;
}

export function spotifyUrl(r: FieldReader): string | null {
  return r.nested('external_urls')?.url('spotify') ?? null;
}

export function releaseDate(r: FieldReader): { date: string | null; precision: string | null } {
  const precision = r.oneOf('release_date_precision', PRECISIONS);
  // Kept as Spotify wrote it; only checked against its own precision.
  const date = r.string('release_date', precision ? { pattern: RELEASE_DATE[precision] } : {});
  return { date, precision };
}

/** The `items` of a paging object (optionally wrapped, e.g. search's `artists`). */
export function pageItems(
  body: unknown,
  wrapper: string | null,
  line: RawLine,
  table: string,
  quality: QualityCounters,
): unknown[] {
  const container = wrapper === null ? body : isRecord(body) ? body[wrapper] : undefined;
  return listIn(container, 'items', line, table, quality);
}
