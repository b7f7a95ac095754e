// One normalisation for every name and term match, so "Boticário", "BOTICARIO" and
// "boticario" are the same word, full-width letters equal half-width ones, and Hangul
// survives intact (NFKC recomposes it after the accent strip).

const COMBINING_MARKS = /\p{M}+/gu;

export function normalizeText(input: string): string {
  return input
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

/** True when the normalised haystack contains the normalised needle. */
export function mentions(haystack: string | null | undefined, needle: string): boolean {
  if (!haystack) return false;
  const n = normalizeText(needle);
  return n.length > 0 && normalizeText(haystack).includes(n);
}
