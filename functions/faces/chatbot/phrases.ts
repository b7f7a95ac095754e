// Chat messages are often sentences around a name: "방탄소년단 노래 추천해줘", "songs like
// Coldplay", "recommend me something by IU please". The request words are stripped before
// the name is matched or searched, in Korean and English. Whole-message matches are tried
// first (index lookups), so an artist whose name is such a word still matches exactly.

// Korean request endings and words; they may follow the name with or without a space.
const KO_TRAILING =
  /\s*(?:(?:의|이랑|랑|하고|와|과)\s*)?(?:비슷한\s*)?(?:노래|음악|곡|아티스트|가수)?\s*(?:좀\s*)?(?:추천\s*(?:해\s*(?:줘|주세요|줄래|줘요)|부탁(?:해|해요|합니다)?|좀|해)?|들려\s*(?:줘|주세요)|알려\s*(?:줘|주세요)|찾아\s*(?:줘|주세요))\s*[?!.~…]*$/u;
const KO_TRAILING_NOUN = /\s+(?:노래|음악|곡|노래들|곡들|신곡)\s*[?!.~…]*$/u;
const KO_LEADING = /^(?:추천\s*(?:해\s*줘|해\s*주세요)?|노래\s*추천)\s*[:：]?\s*/u;

// English request phrases, as whole words anywhere in the message.
const EN_PHRASES = [
  /\b(?:can|could|would) you\b/giu,
  /\b(?:please|pls|plz)\b/giu,
  /\b(?:i (?:want|need|like|love)|give me|show me|tell me about|play|find)\b/giu,
  /\brecommend(?:ation|ations|ed)?(?: me)?(?: some)?(?: (?:songs?|music|tracks?|artists?))?(?: (?:like|by|from|similar to))?\b/giu,
  /\b(?:some |more )?(?:songs?|music|tracks?|artists?|stuff|something)(?: (?:like|by|from|similar to))\b/giu,
  /\bsimilar to\b/giu,
  /\b(?:songs?|music|tracks?)\s*$/giu,
];

/** Particles a Korean name may carry once the request words are gone ("방탄소년단의"). */
const KO_PARTICLE = /(?<=\p{Script=Hangul}{2,})(?:의|은|는|을|를|이랑|랑|하고)$/u;

/**
 * The message without request words; the message itself when nothing was stripped or
 * nothing would be left.
 */
export function stripRequestPhrases(message: string): string {
  let t = message.trim();
  const before = t;
  for (let i = 0; i < 3; i += 1) {
    const next = t.replace(KO_TRAILING, '').replace(KO_TRAILING_NOUN, '').replace(KO_LEADING, '');
    if (next === t) break;
    t = next;
  }
  for (const p of EN_PHRASES) t = t.replace(p, ' ');
  t = t
    .replace(/[?!.~…,]+\s*$/u, '')
    .replace(/^\s*[:,\-–]\s*/u, '')
    .replace(/\s+/gu, ' ')
    .trim();
  if (t === '' || t === before) return before;
  return t.includes(' ') ? t : t.replace(KO_PARTICLE, '');
}
