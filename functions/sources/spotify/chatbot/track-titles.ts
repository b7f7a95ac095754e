// One song, many versions: Spotify lists "Seven (feat. Latto) (Explicit Ver.)", "… (Clean
// Ver.)", "… (Instrumental)" and "Seven" as four tracks. Picks and collaboration counts fold
// them into one song: version qualifiers in brackets or after " - " are dropped, as is a
// trailing "feat. …", and what is left is compared case-, accent- and width-folded.
import { normalizeText } from '../../../platform/text.js';

/** Words that mark a version of a song rather than another song. */
const VERSION =
  /\b(explicit|clean|instrumental|inst|remix(es|ed)?|live|remaster(ed)?|radio edit|sped up|slowed|acoustic|version|ver|mono|stereo)\b/u;
const FEATURING = /^(feat|ft|featuring|with)\b\.?/u;
const BRACKETED = /\s*[([{]([^)\]}]*)[)\]}]/gu;
const TRAILING_FEATURING = /\s+(feat|ft|featuring)\.?\s.*$/u;

/** The song a track title names, with version qualifiers folded away. */
export function songKey(title: string): string {
  let t = normalizeText(title);
  t = t.replace(BRACKETED, (whole, inner: string) => {
    const i = inner.trim();
    return VERSION.test(i) || FEATURING.test(i) ? '' : whole;
  });
  const dash = t.indexOf(' - ');
  if (dash > 0) {
    const rest = t.slice(dash + 3);
    if (VERSION.test(rest) || FEATURING.test(rest) || /^\d{4}\b/.test(rest)) t = t.slice(0, dash);
  }
  t = t.replace(TRAILING_FEATURING, '');
  const key = t
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  // A title that is only a qualifier ("Intro (Live)" keeps "intro"; "(Live)" keeps itself).
  return key === '' ? normalizeText(title) : key;
}

/** True when the title carries no version qualifier (the plain release of the song). */
export function isPlainTitle(title: string): boolean {
  return (
    songKey(title) ===
    normalizeText(title)
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .replace(/\s+/gu, ' ')
      .trim()
  );
}

export interface TrackLike {
  name: string;
  isrc?: string | null;
}

/**
 * The tracks in order with versions of one song kept once: a later track is dropped when its
 * song key or its ISRC (when known) was seen before. Of a song's versions the plain one is
 * shown (at the place of the best-ranked version), else the best-ranked.
 */
export function distinctSongs<T extends TrackLike>(tracks: readonly T[]): T[] {
  const groups: Array<{ keys: Set<string>; isrcs: Set<string>; members: T[] }> = [];
  const byKey = new Map<string, (typeof groups)[number]>();
  const byIsrc = new Map<string, (typeof groups)[number]>();
  for (const t of tracks) {
    const key = songKey(t.name);
    const isrc = t.isrc?.trim().toUpperCase() || null;
    let group = byKey.get(key) ?? (isrc ? byIsrc.get(isrc) : undefined);
    if (!group) {
      group = { keys: new Set(), isrcs: new Set(), members: [] };
      groups.push(group);
    }
    group.members.push(t);
    group.keys.add(key);
    byKey.set(key, group);
    if (isrc) {
      group.isrcs.add(isrc);
      byIsrc.set(isrc, group);
    }
  }
  return groups.map((g) => g.members.find((m) => isPlainTitle(m.name)) ?? g.members[0]!);
}
