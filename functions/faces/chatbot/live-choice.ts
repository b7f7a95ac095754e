// Which live search hit (if any) the bot may take as the artist a user meant. Spotify
// returns its best guesses even for noise ("Bey" → a tribute act, "karaoke" → "Aespa
// Karaoke Hits"), so a hit is taken only when its name is close enough to what was typed:
//   similarity = 1 for equal names (case, accents, width, spacing folded), else the Dice
//   coefficient of character bigrams of the compact keys.
// A name in another script than the question ("방탄소년단" → "BTS") cannot be compared as
// text: the first hit is taken only when the index already knows that artist (Spotify's own
// alias data, and no collect job). Otherwise up to three "did you mean" choices are
// offered, and nothing is collected until the user taps one.
import { isVariousArtists } from '../../sources/spotify/chatbot/model.js';
import type { LiveArtist } from './live.js';
import { bigrams, compactKey, dice, nameKey } from './text.js';

export const MAX_CHOICES = 3;

export type LiveDecision =
  | { kind: 'accept'; artist: LiveArtist; similarity: number }
  | { kind: 'choices'; artists: LiveArtist[] }
  | { kind: 'none' };

export function similarity(query: string, name: string): number {
  if (nameKey(query) === nameKey(name)) return 1;
  const q = compactKey(query);
  const n = compactKey(name);
  if (q !== '' && q === n) return 1;
  return dice(bigrams(q), bigrams(n));
}

/** Letters of one writing system only, for "same script" comparisons. */
function scripts(text: string): Set<string> {
  const out = new Set<string>();
  for (const ch of compactKey(text)) {
    if (/\p{Script=Latin}/u.test(ch)) out.add('latin');
    else if (/\p{Script=Hangul}/u.test(ch)) out.add('hangul');
    else if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch)) out.add('cjk');
    else if (/\p{Script=Cyrillic}/u.test(ch)) out.add('cyrillic');
    else if (/\p{L}/u.test(ch)) out.add('other');
  }
  return out;
}

function sharesScript(a: string, b: string): boolean {
  const sa = scripts(a);
  const sb = scripts(b);
  if (sa.size === 0 || sb.size === 0) return true;
  for (const s of sa) if (sb.has(s)) return true;
  return false;
}

/**
 * The decision for `query` over the hits in Spotify's order. `known` tells whether the
 * index has an artist (cross-script hits are taken only then).
 */
export function decide(
  query: string,
  hits: readonly LiveArtist[],
  threshold: number,
  known: (id: string) => boolean,
): LiveDecision {
  const usable = hits.filter((h) => !isVariousArtists(h.id, h.name));
  if (usable.length === 0) return { kind: 'none' };
  const scored = usable.map((artist, rank) => ({
    artist,
    rank,
    score: similarity(query, artist.name),
  }));
  const best = [...scored].sort((a, b) => b.score - a.score || a.rank - b.rank)[0]!;
  if (best.score >= threshold)
    return { kind: 'accept', artist: best.artist, similarity: best.score };
  const first = scored[0]!;
  if (!sharesScript(query, first.artist.name) && known(first.artist.id))
    return { kind: 'accept', artist: first.artist, similarity: first.score };
  // Choices: the closest names first; Spotify's order breaks ties (and orders other scripts).
  const choices = [...scored]
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
    .slice(0, MAX_CHOICES)
    .map((s) => s.artist);
  return { kind: 'choices', artists: choices };
}
