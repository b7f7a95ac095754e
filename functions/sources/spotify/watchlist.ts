// The artists the catalogue planner collects. Entries are a name ("IU", "방탄소년단"), an
// id ("spotify:artist:<id>") or both ("BTS|<id>"): a name alone is resolved by search
// (exact normalised match first) and the resolution is cached in the StateStore.
import { z } from 'zod';
import { parseEnv, type Env } from '../../platform/env.js';
import { InvalidInputError } from '../../platform/errors.js';
import { normalizeText } from '../../platform/text.js';

export const SPOTIFY_ID = /^[0-9A-Za-z]{1,64}$/;

export interface WatchEntry {
  name: string | null;
  id: string | null;
}

/** About 30 well-known Korean and international artists, by name (ids resolved once). */
export const DEFAULT_WATCHLIST: readonly string[] = [
  'BTS',
  'BLACKPINK',
  'TWICE',
  'aespa',
  'NewJeans',
  'Stray Kids',
  'SEVENTEEN',
  'IU',
  'BIGBANG',
  'EXO',
  'Red Velvet',
  'ITZY',
  'IVE',
  'LE SSERAFIM',
  'ENHYPEN',
  'TOMORROW X TOGETHER',
  'Taylor Swift',
  'Ed Sheeran',
  'Coldplay',
  'The Weeknd',
  'Billie Eilish',
  'Ariana Grande',
  'Dua Lipa',
  'Bad Bunny',
  'Drake',
  'Bruno Mars',
  'Beyoncé',
  'Olivia Rodrigo',
  'Halsey',
  'Lady Gaga',
];

/** Parses one entry: "Name", "spotify:artist:<id>", "<id>" with a prefix, or "Name|<id>". */
export function parseWatchEntry(input: string | { name?: string; id?: string }): WatchEntry {
  if (typeof input !== 'string') {
    const id = input.id?.trim() || null;
    if (id !== null && !SPOTIFY_ID.test(id))
      throw new InvalidInputError(`bad Spotify artist id "${id}"`);
    const name = input.name?.trim() || null;
    if (id === null && name === null)
      throw new InvalidInputError('a watch-list entry needs a name or an id');
    return { name, id };
  }
  const text = input.trim();
  const uri = /^spotify:artist:([0-9A-Za-z]{1,64})$/.exec(text);
  if (uri) return { name: null, id: uri[1]! };
  const bar = text.lastIndexOf('|');
  if (bar > 0) {
    const id = text.slice(bar + 1).trim();
    const name = text.slice(0, bar).trim();
    if (!SPOTIFY_ID.test(id))
      throw new InvalidInputError(`bad Spotify artist id "${id}" in "${text}"`);
    return { name: name || null, id };
  }
  if (text === '') throw new InvalidInputError('empty watch-list entry');
  return { name: text, id: null };
}

/** Deduplicates by id, else by normalised name; keeps the first occurrence's order. */
export function dedupeWatchList(entries: readonly WatchEntry[]): WatchEntry[] {
  const seen = new Set<string>();
  const out: WatchEntry[] = [];
  for (const e of entries) {
    const key = e.id !== null ? `id:${e.id}` : `name:${normalizeText(e.name ?? '')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

const envSchema = z.object({
  /** Entries separated by ";" or newlines (names may contain commas). */
  SPOTIFY_ARTIST_WATCHLIST: z.string().optional(),
});

/** The configured watch list: SPOTIFY_ARTIST_WATCHLIST when set, else the default. */
export function configuredWatchList(env: Env): WatchEntry[] {
  const raw = parseEnv(envSchema, env, 'Spotify artist watch list').SPOTIFY_ARTIST_WATCHLIST;
  const items =
    raw === undefined || raw.trim() === ''
      ? DEFAULT_WATCHLIST
      : raw
          .split(/[;\n]/)
          .map((s) => s.trim())
          .filter(Boolean);
  return dedupeWatchList(items.map((s) => parseWatchEntry(s)));
}
