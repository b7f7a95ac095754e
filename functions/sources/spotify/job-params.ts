// Parameters the Spotify catalogue jobs share (zod, so messages from Pub/Sub and the CLI are
// validated alike), the batch sizes of the extended tier's multi-id GETs, and the list
// helpers both use.
import { z } from 'zod';
import { RUN_ID_PATTERN } from '../../platform/queue.js';
import { SPOTIFY_ID } from './watchlist.js';

/** Batch sizes of the extended tier's multi-id GETs. */
export const BATCH = { artists: 50, albums: 20, tracks: 50 } as const;

export const marketParam = z
  .string()
  .regex(/^[A-Z]{2}$/)
  .optional()
  .describe('Market (country code); defaults to SPOTIFY_MARKET');

export const artistIdParam = z.string().regex(SPOTIFY_ID, 'a Spotify artist id (base-62)');
export const albumIdParam = z.string().regex(SPOTIFY_ID, 'a Spotify album id (base-62)');

export { boolParam } from '../../core/params.js';

/** A list of ids: a JSON array, or one comma-separated string (CLI convenience). */
export function idList(item: z.ZodString, max: number) {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1).max(max),
  );
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

const ALBUM_GROUPS = ['album', 'single', 'compilation', 'appears_on'] as const;
const DEFAULT_INCLUDE_GROUPS = ALBUM_GROUPS.join(',');

export const includeGroupsParam = z
  .string()
  .trim()
  .default(DEFAULT_INCLUDE_GROUPS)
  .refine(
    (s) =>
      s.length > 0 &&
      s.split(',').every((g) => (ALBUM_GROUPS as readonly string[]).includes(g.trim())),
    { message: `a comma-separated subset of ${DEFAULT_INCLUDE_GROUPS}` },
  )
  .transform((s) =>
    unique(
      s
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    ).join(','),
  );

export const planIdParam = z
  .string()
  .regex(RUN_ID_PATTERN)
  .optional()
  .describe('Run id of the planner that started this fan-out (child run ids derive from it).');
