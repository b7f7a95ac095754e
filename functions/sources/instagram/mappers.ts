// Raw Graph API answers → typed rows. Pure functions of the landed line, shared by live
// runs, replay and `fanpulse map`. Ids stay strings (they pass 2^53), "+0000" timestamps
// become ISO TIMESTAMPs, a missing like_count (hidden likes) stays NULL, and a malformed
// field is NULL and counted while a record without a valid id is rejected and counted.
import {
  instagramBrands,
  instagramHashtagMedia,
  instagramHashtags,
  instagramMedia,
} from './tables.js';
import type { RowOf } from '../../../schemas/define.js';
import { FieldReader, isRecord, readRecordId } from '../../platform/fields.js';
import { canonicalJson, sha256Hex } from '../../platform/hash.js';
import {
  contextString,
  listIn,
  requiredContext,
  standardFields,
  tableRows,
  type EntityMapper,
} from '../../core/ingest.js';
import type { QualityCounters } from '../../platform/quality.js';
import { GRAPH_ID } from './client.js';
import { fingerprintOf } from './hashtag-seen.js';

const MEDIA_TYPES = ['IMAGE', 'VIDEO', 'CAROUSEL_ALBUM'] as const;
const MEDIA_PRODUCT_TYPES = ['AD', 'FEED', 'STORY', 'REELS'] as const;

type BrandRow = RowOf<typeof instagramBrands>;
type MediaRow = RowOf<typeof instagramMedia>;
type HashtagMediaRow = RowOf<typeof instagramHashtagMedia>;

// Signed-CDN parameters that change on every call (signature, expiry, cache routing). They
// are what would make two otherwise equal snapshots differ, so rows keep the URL without
// them; the signed URL as received stays in the raw answer.
const VOLATILE_PARAM = /^(oh|oe|efg|ccb|edm|ig_cache_key|_nc_.*)$/;

export function stableUrl(url: string | null): string | null {
  if (url === null) return null;
  const u = new URL(url);
  for (const name of [...u.searchParams.keys()])
    if (VOLATILE_PARAM.test(name)) u.searchParams.delete(name);
  u.hash = '';
  return u.toString();
}

const GRAPH_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})$/;

/** "2023-08-25T12:20:31+0000" → "2023-08-25T12:20:31.000Z"; anything else is NULL + counted. */
function graphTimestamp(r: FieldReader, field: string): string | null {
  const text = r.string(field);
  if (text === null) return null;
  const m = GRAPH_TIMESTAMP.exec(text);
  if (!m) return r.invalid(field, `a string matching ${GRAPH_TIMESTAMP}`, text);
  const zone = m[3] === 'Z' ? 'Z' : `${m[3]!.slice(0, 3)}:${m[3]!.slice(-2)}`;
  const date = new Date(`${m[1]}${m[2] ?? ''}${zone}`);
  // Shaped right but not a real instant (month 13...): malformed too.
  if (Number.isNaN(date.getTime())) return r.invalid(field, 'a real instant', text);
  return date.toISOString();
}

function contentHash(values: Record<string, unknown>): string {
  return sha256Hex(canonicalJson(values));
}

/** The record's id; without a valid digit string the record is rejected and counted. */
function readGraphRecord(item: unknown, table: string, quality: QualityCounters) {
  return readRecordId(item, table, quality, GRAPH_ID);
}

function mediaFields(r: FieldReader) {
  return {
    timestamp: graphTimestamp(r, 'timestamp'),
    caption: r.string('caption'),
    media_type: r.oneOf('media_type', MEDIA_TYPES),
    media_url: stableUrl(r.url('media_url')),
    permalink: r.url('permalink'),
    like_count: r.int('like_count', { min: 0 }),
    comments_count: r.int('comments_count', { min: 0 }),
  };
}

export const businessDiscoveryMapper: EntityMapper = {
  source: 'instagram',
  entity: 'business_discovery',
  description:
    'GET /{me}?fields=business_discovery.username(...) answers → instagram_brands (first page) and instagram_media',
  map(line, run, quality) {
    const watched = contextString(line, 'username');
    const bd = isRecord(line.body) ? line.body.business_discovery : undefined;
    if (!watched || !isRecord(bd)) {
      quality.count(
        instagramBrands.name,
        'malformed_answer',
        `${line.request.url}: no business_discovery`,
      );
      return [];
    }
    const brands: BrandRow[] = [];
    const read = readGraphRecord(bd, instagramBrands.name, quality);
    const owner = read?.id ?? contextString(line, 'owner_user_id');
    const username = read?.r.string('username') ?? watched;
    if (read && line.context.page === 0) {
      const { r, id } = read;
      const values = {
        user_id: id,
        username: r.string('username'),
        watched_username: watched,
        name: r.string('name'),
        profile_picture_url: stableUrl(r.url('profile_picture_url')),
        followers_count: r.int('followers_count', { min: 0 }),
        follows_count: r.int('follows_count', { min: 0 }),
        media_count: r.int('media_count', { min: 0 }),
      };
      brands.push({ ...values, content_hash: contentHash(values), ...standardFields(run) });
    }
    const media: MediaRow[] = [];
    const page = isRecord(bd.media) ? bd.media : { data: [] };
    for (const item of listIn(page, 'data', line, instagramMedia.name, quality)) {
      const m = readGraphRecord(item, instagramMedia.name, quality);
      if (!m) continue;
      if (owner === null) {
        quality.rejectedRecord(instagramMedia.name, `media ${m.id} without a known owner`);
        continue;
      }
      const values = {
        media_id: m.id,
        owner_user_id: owner,
        owner_username: username,
        ...mediaFields(m.r),
        media_product_type: m.r.oneOf('media_product_type', MEDIA_PRODUCT_TYPES),
      };
      media.push({ ...values, content_hash: contentHash(values), ...standardFields(run) });
    }
    return [tableRows(instagramBrands, brands), tableRows(instagramMedia, media)];
  },
};

export const hashtagSearchMapper: EntityMapper = {
  source: 'instagram',
  entity: 'hashtag_search',
  description: 'GET /ig_hashtag_search answers → instagram_hashtags',
  map(line, run, quality) {
    const hashtag = contextString(line, 'hashtag');
    const data = listIn(line.body, 'data', line, instagramHashtags.name, quality);
    if (!hashtag) return [];
    const first =
      data.length > 0 ? readGraphRecord(data[0], instagramHashtags.name, quality) : null;
    return [
      tableRows(instagramHashtags, [
        { hashtag, hashtag_id: first?.id ?? null, ...standardFields(run) },
      ]),
    ];
  },
};

/**
 * `context.seen` of a recent_media line: media id → fingerprint of the row already stored
 * for it (the run put it there from its state before landing the answer). Lines without it
 * (older runs) map every post.
 */
function seenFingerprints(value: unknown): Map<string, string> {
  const seen = new Map<string, string>();
  if (!isRecord(value)) return seen;
  for (const [id, fp] of Object.entries(value)) if (typeof fp === 'string') seen.set(id, fp);
  return seen;
}

export const hashtagMediaMapper: EntityMapper = {
  source: 'instagram',
  entity: 'hashtag_recent_media',
  description:
    'GET /{hashtag_id}/recent_media pages → instagram_hashtag_media (posts new or changed since context.seen)',
  map(line, run, quality) {
    const need = requiredContext(
      line,
      ['hashtag', 'hashtag_id'],
      instagramHashtagMedia.name,
      quality,
      'hashtag context',
    );
    if (!need) return [];
    const { hashtag, hashtag_id: hashtagId } = need;
    const seen = seenFingerprints(line.context.seen);
    const rows: HashtagMediaRow[] = [];
    for (const item of listIn(line.body, 'data', line, instagramHashtagMedia.name, quality)) {
      const m = readGraphRecord(item, instagramHashtagMedia.name, quality);
      if (!m) continue;
      const values = { hashtag, hashtag_id: hashtagId, media_id: m.id, ...mediaFields(m.r) };
      const hash = contentHash(values);
      // Unchanged since the row an earlier run wrote: no new row (the answer stays landed).
      if (seen.get(m.id) === fingerprintOf(hash)) continue;
      rows.push({ ...values, content_hash: hash, ...standardFields(run) });
    }
    return [tableRows(instagramHashtagMedia, rows)];
  },
};

export const instagramMappers: readonly EntityMapper[] = [
  businessDiscoveryMapper,
  hashtagSearchMapper,
  hashtagMediaMapper,
];
