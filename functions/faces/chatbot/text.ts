// Text handling for chat: clean what users type, fit what we send into platform limits.
// Limits are counted in UTF-16 code units, which is never less than code points or
// graphemes, so an answer that fits here fits whichever way a platform counts; cuts fall
// between graphemes so no emoji or Hangul syllable is split in half.
import { normalizeText } from '../../platform/text.js';

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Control and format characters (zero-width, bidi overrides, BOM), except the joiners
// (ZWNJ, ZWJ) that some scripts and emoji need; line breaks and tabs become spaces first.
const INVISIBLE = /(?![\u200C\u200D])[\p{Cc}\p{Cf}]/gu;

/** Replaces lone surrogates (which JSON encoders may reject) with U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Cuts `text` to at most `max` UTF-16 units at a grapheme boundary, marking the cut with "…". */
export function fit(text: string, max: number): string {
  const clean = wellFormed(text);
  if (clean.length <= max) return clean;
  if (max <= 0) return '';
  const budget = max - 1;
  let out = '';
  for (const { segment } of graphemes.segment(clean)) {
    if (out.length + segment.length > budget) break;
    out += segment;
  }
  return out.trimEnd() + '…';
}

/** Grapheme count of the first `limit + 1` graphemes (enough to tell "too long"). */
export function graphemeCount(text: string, limit: number): number {
  let n = 0;
  for (const _ of graphemes.segment(text)) {
    n += 1;
    if (n > limit) break;
  }
  return n;
}

/** What a user typed, with invisible characters and extra whitespace removed. */
export function cleanInput(text: string): string {
  return wellFormed(text)
    .replace(/[\t\n\r]/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** True when the text has at least one letter or digit (emoji and punctuation alone do not). */
export function hasWordCharacters(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** The index key of a name: case, accents and width folded; Hangul and other scripts kept. */
export function nameKey(name: string): string {
  return normalizeText(name);
}

/** A looser key: letters and digits only, so "Jung Kook", "JUNGKOOK" and "jung-kook" meet. */
export function compactKey(name: string): string {
  return normalizeText(name).replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Character bigrams of a compact key, for "did you mean" suggestions. */
export function bigrams(key: string): Set<string> {
  const chars = [...key];
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i += 1) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** Dice coefficient of two bigram sets (0..1). */
export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}
