// Instagram Graph API (Facebook Login flavour) settings. Watch lists are configuration with
// the source design's 11 luxury brands as the default; budgets and thresholds are here so
// that an operator can tune them without a deploy of code.
import { z } from 'zod';
import { csv, parseEnv, positiveInt, type Env } from '../../platform/env.js';
import type { PacingPolicy } from './hashtag-pacing.js';

/**
 * Secret Manager ids the Instagram client reads (Terraform grants access to exactly these).
 * `instagram-app-secret` is optional: when it holds the app secret, every Graph call carries
 * `appsecret_proof` (needed once the app requires it; Meta answers code 100 otherwise).
 */
export const INSTAGRAM_SECRET_IDS = [
  'instagram-access-token',
  'instagram-user-id',
  'instagram-app-secret',
] as const;

/** The source design's 11 luxury brands: the account watched and the hashtag followed. */
export const DEFAULT_BRANDS = [
  { account: 'hermes', hashtag: 'hermes' },
  { account: 'chanelofficial', hashtag: 'chanel' },
  { account: 'dior', hashtag: 'dior' },
  { account: 'louisvuitton', hashtag: 'louisvuitton' },
  { account: 'gucci', hashtag: 'gucci' },
  { account: 'prada', hashtag: 'prada' },
  { account: 'ysl', hashtag: 'ysl' },
  { account: 'celine', hashtag: 'celine' },
  { account: 'maisonvalentino', hashtag: 'valentino' },
  { account: 'miumiu', hashtag: 'miumiu' },
  { account: 'fendi', hashtag: 'fendi' },
] as const;

export const DEFAULT_ACCOUNTS: readonly string[] = DEFAULT_BRANDS.map((b) => b.account);
export const DEFAULT_HASHTAGS: readonly string[] = DEFAULT_BRANDS.map((b) => b.hashtag);

/** Instagram usernames: letters, digits, periods and underscores, at most 30. */
export const USERNAME = /^[a-z0-9._]{1,30}$/;
/** Hashtags as stored: lower case, no '#', letters (any script), digits and underscores. */
export const HASHTAG = /^[\p{L}\p{N}_]{1,100}$/u;

export function normalizeHashtag(tag: string): string {
  return tag.trim().replace(/^#/, '').normalize('NFC').toLowerCase();
}

const percent = z.coerce.number().min(1).max(100);

const schema = z
  .object({
    INSTAGRAM_GRAPH_BASE_URL: z.url().default('https://graph.facebook.com'),
    INSTAGRAM_GRAPH_VERSION: z
      .string()
      .regex(/^v\d+\.\d+$/, 'a Graph API version such as v24.0')
      .refine((v) => Number(v.slice(1)) >= 24, 'v24.0 or later (older versions expire)')
      .default('v24.0'),
    INSTAGRAM_ACCESS_TOKEN_SECRET: z.string().default('instagram-access-token'),
    INSTAGRAM_USER_ID_SECRET: z.string().default('instagram-user-id'),
    INSTAGRAM_APP_SECRET_SECRET: z.string().default('instagram-app-secret'),
    INSTAGRAM_ACCOUNTS: csv.default([...DEFAULT_ACCOUNTS]),
    INSTAGRAM_HASHTAGS: csv.default([...DEFAULT_HASHTAGS]),
    INSTAGRAM_MEDIA_PAGE_SIZE: positiveInt.max(100).default(25),
    INSTAGRAM_MEDIA_PAGES: positiveInt.max(20).default(1),
    INSTAGRAM_HASHTAG_MAX_PAGES: positiveInt.max(200).default(20),
    INSTAGRAM_HASHTAG_BUDGET: positiveInt.max(30).default(30),
    INSTAGRAM_HASHTAG_OVERLAP_SECONDS: z.coerce.number().int().min(0).default(120),
    // recent_media drops a post after 24 hours: a tag is visited well before.
    INSTAGRAM_HASHTAG_MAX_INTERVAL_MINUTES: positiveInt.max(12 * 60).default(60),
    INSTAGRAM_HASHTAG_POSTS_PER_VISIT: positiveInt.default(100),
    INSTAGRAM_USAGE_SLOWDOWN_PERCENT: percent.default(75),
    INSTAGRAM_USAGE_STOP_PERCENT: percent.default(95),
    INSTAGRAM_THROTTLE_MAX_DELAY_MS: z.coerce.number().int().min(0).default(5_000),
    INSTAGRAM_DEFER_SECONDS: positiveInt.default(900),
  })
  .superRefine((c, ctx) => {
    if (c.INSTAGRAM_HASHTAG_POSTS_PER_VISIT > c.INSTAGRAM_HASHTAG_MAX_PAGES * 50)
      ctx.addIssue({
        code: 'custom',
        path: ['INSTAGRAM_HASHTAG_POSTS_PER_VISIT'],
        message: 'must fit in INSTAGRAM_HASHTAG_MAX_PAGES pages of 50',
      });
    if (c.INSTAGRAM_USAGE_SLOWDOWN_PERCENT >= c.INSTAGRAM_USAGE_STOP_PERCENT)
      ctx.addIssue({
        code: 'custom',
        path: ['INSTAGRAM_USAGE_SLOWDOWN_PERCENT'],
        message: 'must be below INSTAGRAM_USAGE_STOP_PERCENT',
      });
    for (const a of c.INSTAGRAM_ACCOUNTS)
      if (!USERNAME.test(a.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['INSTAGRAM_ACCOUNTS'],
          message: `bad username ${a}`,
        });
    for (const t of c.INSTAGRAM_HASHTAGS)
      if (!HASHTAG.test(normalizeHashtag(t)))
        ctx.addIssue({ code: 'custom', path: ['INSTAGRAM_HASHTAGS'], message: `bad hashtag ${t}` });
  });

export interface UsagePolicy {
  slowdownPercent: number;
  stopPercent: number;
  maxDelayMs: number;
  deferSeconds: number;
}

export interface InstagramConfig {
  apiBaseUrl: string;
  version: string;
  accessTokenSecret: string;
  userIdSecret: string;
  /** Optional secret with the app secret; when set, calls carry appsecret_proof. */
  appSecretSecret: string;
  accounts: string[];
  hashtags: string[];
  mediaPageSize: number;
  mediaPages: number;
  hashtagMaxPages: number;
  hashtagBudget: number;
  hashtagOverlapSeconds: number;
  /** Scheduled (paced) runs: when a hashtag is due for a visit (hashtag-pacing.ts). */
  hashtagPacing: PacingPolicy;
  usage: UsagePolicy;
}

export function loadInstagramConfig(env: Env): InstagramConfig {
  const c = parseEnv(schema, env, 'Instagram');
  const base = c.INSTAGRAM_GRAPH_BASE_URL.replace(/\/+$/, '');
  return {
    apiBaseUrl: `${base}/${c.INSTAGRAM_GRAPH_VERSION}/`,
    version: c.INSTAGRAM_GRAPH_VERSION,
    accessTokenSecret: c.INSTAGRAM_ACCESS_TOKEN_SECRET,
    userIdSecret: c.INSTAGRAM_USER_ID_SECRET,
    appSecretSecret: c.INSTAGRAM_APP_SECRET_SECRET,
    accounts: [...new Set(c.INSTAGRAM_ACCOUNTS.map((a) => a.toLowerCase()))],
    hashtags: [...new Set(c.INSTAGRAM_HASHTAGS.map(normalizeHashtag))],
    mediaPageSize: c.INSTAGRAM_MEDIA_PAGE_SIZE,
    mediaPages: c.INSTAGRAM_MEDIA_PAGES,
    hashtagMaxPages: c.INSTAGRAM_HASHTAG_MAX_PAGES,
    hashtagBudget: c.INSTAGRAM_HASHTAG_BUDGET,
    hashtagOverlapSeconds: c.INSTAGRAM_HASHTAG_OVERLAP_SECONDS,
    hashtagPacing: {
      maxIntervalMinutes: c.INSTAGRAM_HASHTAG_MAX_INTERVAL_MINUTES,
      postsPerVisit: c.INSTAGRAM_HASHTAG_POSTS_PER_VISIT,
    },
    usage: {
      slowdownPercent: c.INSTAGRAM_USAGE_SLOWDOWN_PERCENT,
      stopPercent: c.INSTAGRAM_USAGE_STOP_PERCENT,
      maxDelayMs: c.INSTAGRAM_THROTTLE_MAX_DELAY_MS,
      deferSeconds: c.INSTAGRAM_DEFER_SECONDS,
    },
  };
}
