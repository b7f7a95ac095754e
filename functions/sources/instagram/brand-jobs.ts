// instagram.brands: one business-discovery call per watched account returns its profile and
// a first page of media; further pages come through media.after(cursor) up to a depth.
// Hourly snapshots make the follower and engagement time series.
import { z } from 'zod';
import { instagramBrands, instagramMedia } from './tables.js';
import { defineJob, type JobContext } from '../../core/job.js';
import { isRecord } from '../../platform/fields.js';
import { ingest } from '../../core/ingest.js';
import {
  deferIfStopped,
  runStopRules,
  walkCursorPages,
  type CursorPage,
} from '../../core/paging.js';
import type { InstagramClient } from './client.js';
import { USERNAME } from './config.js';
import {
  afterCursor,
  failIfAllSkipped,
  itemErrorText,
  skipItem,
  withInstagram,
} from './context.js';
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

/** The media page of a business-discovery answer, as the cursor walk reads it. */
function mediaPage(body: unknown): CursorPage {
  const bd = isRecord(body) ? body.business_discovery : null;
  const media = isRecord(bd) ? bd.media : null;
  const items = isRecord(media) && Array.isArray(media.data) ? media.data : [];
  const after = afterCursor(media);
  return { items, hasNext: after !== null, after };
}

async function collectAccount(
  ctx: JobContext,
  client: InstagramClient,
  me: string,
  username: string,
  pages: number,
  pageSize: number,
): Promise<number> {
  let owner: string | null = null;
  let media = 0;
  let page = 0;
  const walk = await walkCursorPages({
    // The latest `pages` pages make the engagement series: a depth, not a loss.
    wantedPages: pages,
    fetch: async (after) => {
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
      page += 1;
      const brand = mapped.find((t) => t.table.name === instagramBrands.name)?.rows[0];
      owner ??= typeof brand?.user_id === 'string' ? brand.user_id : null;
      media += mapped.find((t) => t.table.name === instagramMedia.name)?.rows.length ?? 0;
      return mediaPage(answer.body);
    },
    stop: runStopRules(ctx),
    report: { quality: ctx.quality, table: instagramMedia.name, what: `account ${username}` },
  });
  deferIfStopped(walk, `media of ${username}`);
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
      const skipped = new Map<string, string>();
      const throttledBefore = client.usage.throttledMs;
      let media = 0;
      for (const [i, username] of accounts.entries()) {
        try {
          media += await collectAccount(ctx, client, me, username, pages, pageSize);
        } catch (error) {
          if (!skipItem(ctx, error, instagramBrands.name, `account ${username}`)) throw error;
          skipped.set(username, itemErrorText(error));
        }
        ctx.progress('accounts', i + 1, accounts.length);
      }
      failIfAllSkipped('account', accounts.length, skipped);
      ctx.addItems(accounts.length - skipped.size + media);
      return {
        details: {
          accounts: accounts.length - skipped.size,
          skipped_accounts: [...skipped.keys()],
          media,
          throttled_ms: client.usage.throttledMs - throttledBefore,
          usage_percent: client.usage.latest?.percent ?? null,
        },
      };
    }),
});
