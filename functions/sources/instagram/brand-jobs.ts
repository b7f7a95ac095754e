// instagram.brands: one business-discovery call per watched account returns its profile and
// a first page of media; further pages come through media.after(cursor) up to a depth.
// Hourly snapshots make the follower and engagement time series.
import { z } from 'zod';
import { instagramBrands, instagramMedia } from './tables.js';
import { defineJob, type JobContext } from '../../core/job.js';
import { isRecord } from '../../platform/fields.js';
import { ingest } from '../../core/ingest.js';
import { INVALID_PARAMETER_CODE, SKIP_ACCOUNT_CODES, type InstagramClient } from './client.js';
import { USERNAME } from './config.js';
import { afterCursor, skipItem, withInstagram } from './context.js';
import { businessDiscoveryMapper } from './mappers.js';

const BRAND_FIELDS =
  'id,username,name,profile_picture_url,followers_count,follows_count,media_count';
const MEDIA_FIELDS =
  'id,timestamp,caption,media_type,media_product_type,media_url,permalink,like_count,comments_count';

export const brandsParams = z.strictObject({
  accounts: z
    .array(z.string().trim().toLowerCase().regex(USERNAME, 'an Instagram username'))
    .min(1)
    .max(100)
    .optional()
    .describe('Usernames to collect; defaults to INSTAGRAM_ACCOUNTS'),
  mediaPages: z.coerce.number().int().min(1).max(20).optional(),
  mediaPageSize: z.coerce.number().int().min(1).max(100).optional(),
});

/** The fields expression of one business-discovery call (first page, or the page after a cursor). */
function discoveryFields(username: string, pageSize: number, after: string | null): string {
  const media = after
    ? `media.after(${after}).limit(${pageSize}){${MEDIA_FIELDS}}`
    : `media.limit(${pageSize}){${MEDIA_FIELDS}}`;
  const profile = after ? 'id,username' : BRAND_FIELDS;
  return `business_discovery.username(${username}){${profile},${media}}`;
}

/** The media `after` cursor of a business-discovery answer, if there is a next page. */
function mediaCursor(body: unknown): string | null {
  const bd = isRecord(body) ? body.business_discovery : null;
  const media = isRecord(bd) ? bd.media : null;
  if (!isRecord(media) || !Array.isArray(media.data) || media.data.length === 0) return null;
  return afterCursor(media);
}

const ACCOUNT_SKIP_CODES: ReadonlySet<number> = new Set([
  ...SKIP_ACCOUNT_CODES,
  INVALID_PARAMETER_CODE,
]);

async function collectAccount(
  ctx: JobContext,
  client: InstagramClient,
  me: string,
  username: string,
  pages: number,
  pageSize: number,
): Promise<number> {
  let after: string | null = null;
  let owner: string | null = null;
  let media = 0;
  const seen = new Set<string>();
  for (let page = 0; page < pages; page++) {
    const answer = await client.get(
      me,
      { fields: discoveryFields(username, pageSize, after) },
      ctx.deadline,
    );
    const mapped = await ingest(ctx, businessDiscoveryMapper, answer, {
      username,
      page,
      owner_user_id: owner,
    });
    const brand = mapped.find((t) => t.table.name === instagramBrands.name)?.rows[0];
    owner ??= typeof brand?.user_id === 'string' ? brand.user_id : null;
    media += mapped.find((t) => t.table.name === instagramMedia.name)?.rows.length ?? 0;
    after = mediaCursor(answer.body);
    // A cursor seen before would page in a circle.
    if (after === null || seen.has(after)) break;
    seen.add(after);
  }
  return media;
}

export const brandsJob = defineJob({
  name: 'instagram.brands',
  source: 'instagram',
  description:
    'Profiles (followers, follows, media count) and latest media (likes, comments) of the watched brand accounts, through business discovery.',
  params: brandsParams,
  schedules: [
    {
      id: 'instagram-brands-hourly',
      cron: '0 * * * *',
      timeZone: 'UTC',
      params: {},
      description:
        'Hourly snapshot of the watched brands (INSTAGRAM_ACCOUNTS) and their latest media.',
    },
  ],
  run: (ctx, params) =>
    withInstagram(ctx, async (client) => {
      const me = await client.userId();
      const accounts = params.accounts ?? client.config.accounts;
      const pages = params.mediaPages ?? client.config.mediaPages;
      const pageSize = params.mediaPageSize ?? client.config.mediaPageSize;
      const skipped: string[] = [];
      const throttledBefore = client.usage.throttledMs;
      let media = 0;
      for (const [i, username] of accounts.entries()) {
        try {
          media += await collectAccount(ctx, client, me, username, pages, pageSize);
        } catch (error) {
          if (
            !skipItem(ctx, error, instagramBrands.name, `account ${username}`, ACCOUNT_SKIP_CODES)
          )
            throw error;
          skipped.push(username);
        }
        ctx.progress('accounts', i + 1, accounts.length);
      }
      ctx.addItems(accounts.length - skipped.length + media);
      return {
        details: {
          accounts: accounts.length - skipped.length,
          skipped_accounts: skipped,
          media,
          throttled_ms: client.usage.throttledMs - throttledBefore,
          usage_percent: client.usage.latest?.percent ?? null,
        },
      };
    }),
});
