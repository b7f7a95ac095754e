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

/** Scripts written without spaces between words: there a term matches inside a run of text. */
const UNSPACED =
  /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * The words of a text as people write them: camelCase and hashtags split
 * (#GrupoBoticário → grupo, boticario), then normalised; any run of letters and digits is a
 * word, everything else (spaces, hyphens, #, dots) separates.
 */
export function wordsOf(text: string): string[] {
  const split = text.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2');
  return normalizeText(split)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/**
 * True when the haystack mentions the needle the way people write it: the needle's words
 * appear as whole consecutive words, written apart, hyphenated, as a hashtag or run together
 * ("Grupo Boticário" matches #GrupoBoticário, Grupo-Boticário and GrupoBoticario), so a short
 * term matches whole words only ("IA" does not match "media"). In scripts written without
 * spaces (Hangul, Han, kana, Thai) the needle matches inside the text.
 */
export function mentions(haystack: string | null | undefined, needle: string): boolean {
  return mentionMatcher(needle)(haystack);
}

/** `mentions` with the needle prepared once, for matching one term against many texts. */
export function mentionMatcher(needle: string): (haystack: string | null | undefined) => boolean {
  const target = wordsOf(needle).join('');
  const unspaced = UNSPACED.test(target);
  return (haystack) => {
    if (!haystack || target.length === 0) return false;
    const words = wordsOf(haystack);
    if (unspaced) return words.join('').includes(target);
    for (let i = 0; i < words.length; i++) {
      // Only a word that starts the target can start a match.
      if (!target.startsWith(words[i]!)) continue;
      let joined = '';
      for (let j = i; j < words.length && joined.length < target.length; j++) {
        joined += words[j];
        if (joined === target) return true;
      }
    }
    return false;
  };
}
