// Every live resolution (what a user typed → the artist a live search chose) is kept as a
// small raw-store object, one per typed name and day, and folded by the next
// spotify.chatbot_index run into the snapshot's learned aliases: the next index answers
// "방탄소년단" without asking Spotify again, on every instance.
import pLimit from 'p-limit';
import type { RawStore } from '../../../platform/raw-store.js';
import { stableId } from '../../../platform/hash.js';
import { learnedAliasSchema, type LearnedAlias } from './snapshot.js';
import { normalizeText as nameKey } from '../../../platform/text.js';

const PREFIX = 'chatbot/resolutions/';

export const resolutionPath = (day: string, query: string): string =>
  `${PREFIX}dt=${day}/${stableId('chatbot-alias', nameKey(query))}.json`;

export async function recordResolution(raw: RawStore, alias: LearnedAlias): Promise<void> {
  const writer = await raw.openWriter(resolutionPath(alias.at.slice(0, 10), alias.query));
  try {
    await writer.writeLine(JSON.stringify(alias));
    await writer.close();
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
}

/** Days from `from` to `to` (YYYY-MM-DD, inclusive), at most `max` of the latest. */
export function daysBetween(from: string, to: string, max = 60): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out.slice(-max);
}

/** The resolutions recorded on the given days; unreadable objects are counted, not fatal. */
export async function readResolutions(
  raw: RawStore,
  days: readonly string[],
): Promise<{ aliases: LearnedAlias[]; unreadable: number }> {
  const paths = (await Promise.all(days.map((d) => raw.list(`${PREFIX}dt=${d}/`)))).flat();
  const limit = pLimit(16);
  let unreadable = 0;
  const read = await Promise.all(
    paths.map((p) =>
      limit(async () => {
        try {
          return learnedAliasSchema.parse(JSON.parse(await raw.read(p)));
        } catch {
          unreadable += 1;
          return null;
        }
      }),
    ),
  );
  return { aliases: read.filter((a): a is LearnedAlias => a !== null), unreadable };
}

/** Older and newer learned aliases merged: one per typed name, the latest resolution wins. */
export function mergeLearned(
  older: readonly LearnedAlias[],
  newer: readonly LearnedAlias[],
  max = 100_000,
): LearnedAlias[] {
  const byKey = new Map<string, LearnedAlias>();
  for (const a of [...older, ...newer]) {
    const key = nameKey(a.query);
    const seen = byKey.get(key);
    if (!seen || seen.at <= a.at) byKey.set(key, a);
  }
  return [...byKey.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, max);
}
