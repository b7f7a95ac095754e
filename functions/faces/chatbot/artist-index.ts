// The in-memory artist index: every collected artist (profiles and credited names), their
// tracks to listen to and the similarity graph, so answers for known artists need no query.
// Names are matched on three keys: the normalised name (case, accents, width folded; Hangul
// kept), a compact key (letters and digits only) and aliases (names the collectors resolved
// by search, names as credited on tracks).
import {
  EXCLUDED_NAMES,
  isVariousArtists,
  nameKeys,
  VARIOUS_ARTISTS_ID,
  type IndexArtist,
  type IndexData,
  type NameKeys,
} from '../../sources/spotify/chatbot/model.js';
import type { SimilarView } from './reply.js';
import { stripRequestPhrases } from './phrases.js';
import { SimilarityGraph, type SimilarSubject } from './similar.js';
import { bigrams, compactKey, dice, nameKey } from './text.js';

/** Words around a name in a chat message ("BTS 노래 추천해줘", "songs by IU"). */
const MAX_NGRAM = 6;
const KOREAN_PARTICLES = /(의|은|는|이랑|랑|하고|을|를|와|과|가)$/u;
/** Words that alone never name an artist inside a sentence ("BTS and Coldplay"). */
const FILLER = new Set(
  'a an and or the of by to me my i you is are what who like with from for in on vs x 와 과 랑 하고 이랑 그리고 또는 아니면 노래 곡 음악'.split(
    ' ',
  ),
);

/** Three-way order of strings by code units: deterministic tie-breaks. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Profiles before credit-only artists, then the more popular. */
function byStanding(a: IndexArtist, b: IndexArtist): number {
  return Number(b.hasProfile) - Number(a.hasProfile) || (b.popularity ?? -1) - (a.popularity ?? -1);
}

export class ArtistIndex {
  private readonly byId = new Map<string, IndexArtist>();
  /** Each artist's normalised name, computed once. */
  private readonly keyOf = new Map<string, string>();
  private readonly exact = new Map<string, string>();
  private readonly compact = new Map<string, string>();
  private readonly alias = new Map<string, string>();
  private readonly graph: SimilarityGraph;
  private grams: Array<{ id: string; grams: Set<string> }> | null = null;
  private popularCache: IndexArtist[] | null = null;

  constructor(
    data: IndexData,
    readonly builtAt: Date,
  ) {
    // Profiles before credit-only artists, then the more popular: they win a shared key.
    const ordered = [...data.artists].sort((a, b) => byStanding(a, b) || cmp(a.id, b.id));
    for (const a of ordered) {
      if (this.byId.has(a.id)) continue;
      this.byId.set(a.id, a);
      const keys = a.keys ?? nameKeys(a.name);
      this.keyOf.set(a.id, keys.name);
      if (a.id === VARIOUS_ARTISTS_ID || EXCLUDED_NAMES.has(keys.name)) continue;
      setOnce(this.exact, keys.name, a.id);
      setOnce(this.compact, keys.compact, a.id);
    }
    for (const { name, artistId, keys } of data.aliases) this.learn(name, artistId, keys);
    const subjects = new Map<string, SimilarSubject>();
    for (const a of this.byId.values()) {
      const key = this.keyOf.get(a.id)!;
      subjects.set(a.id, {
        id: a.id,
        key,
        genres: a.genres,
        popularity: a.popularity,
        excluded: a.id === VARIOUS_ARTISTS_ID || EXCLUDED_NAMES.has(key),
      });
    }
    this.graph = new SimilarityGraph(subjects, data.collaborations, data.compilations);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): IndexArtist | undefined {
    return this.byId.get(id);
  }

  /** The artist a message names (the first, when it names several). */
  find(text: string): IndexArtist | undefined {
    return this.resolve(text)[0];
  }

  /**
   * The artists a message names: the whole message, else the message without request
   * words ("노래 추천해줘", "songs like"), else the longest names inside it that do not
   * overlap. Several distinct artists ("BTS and Coldplay") come back in message order.
   */
  resolve(text: string): IndexArtist[] {
    const whole = this.lookup(text, true);
    if (whole) return [whole];
    const stripped = stripRequestPhrases(text);
    if (stripped !== text) {
      const named = this.lookup(stripped, true);
      if (named) return [named];
    }
    const tokens = nameKey(stripped).split(' ').filter(Boolean);
    const found: Array<{ id: string; start: number; end: number; length: number }> = [];
    for (let n = Math.min(MAX_NGRAM, tokens.length); n >= 1; n -= 1) {
      for (let i = 0; i + n <= tokens.length; i += 1) {
        const phrase = tokens.slice(i, i + n).join(' ');
        if (n === 1 && FILLER.has(phrase)) continue;
        for (const candidate of [phrase, phrase.replace(KOREAN_PARTICLES, '')]) {
          const hit = this.lookup(candidate, false);
          const length = compactKey(candidate).length;
          if (hit && length >= 2) {
            found.push({ id: hit.id, start: i, end: i + n, length });
            break;
          }
        }
      }
    }
    // Longest first; a shorter name inside a longer one's words does not count.
    found.sort((a, b) => b.length - a.length || a.start - b.start);
    const taken: typeof found = [];
    for (const f of found)
      if (!taken.some((t) => f.start < t.end && t.start < f.end)) taken.push(f);
    const ids = [...new Set(taken.sort((a, b) => a.start - b.start).map((t) => t.id))];
    return ids.map((id) => this.byId.get(id)!);
  }

  /**
   * Remembers what a user typed for a known artist (a live search resolved it), so the
   * same words match without another search. False when the artist is not in the index.
   */
  learn(name: string, artistId: string, keys?: NameKeys): boolean {
    const key = this.keyOf.get(artistId);
    if (key === undefined || artistId === VARIOUS_ARTISTS_ID || EXCLUDED_NAMES.has(key))
      return false;
    const k = keys ?? nameKeys(name);
    setOnce(this.alias, k.name, artistId);
    setOnce(this.alias, k.compact, artistId);
    return true;
  }

  private lookup(text: string, whole: boolean): IndexArtist | undefined {
    const key = nameKey(text);
    const compactText = compactKey(text);
    const id =
      this.exact.get(key) ??
      (compactText.length >= (whole ? 1 : 2) ? this.compact.get(compactText) : undefined) ??
      this.alias.get(key) ??
      this.alias.get(compactText);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Names close to `text` (character bigrams), for "did you mean". */
  suggest(text: string, limit: number): IndexArtist[] {
    const wanted = bigrams(compactKey(text).slice(0, 64));
    if (wanted.size === 0) return this.popular(limit);
    this.grams ??= [...this.byId.values()]
      .filter((a) => !isVariousArtists(a.id, a.name))
      .map((a) => ({
        id: a.id,
        grams: bigrams(compactKey(a.name)),
      }));
    return this.grams
      .map((g) => ({ artist: this.byId.get(g.id)!, score: dice(wanted, g.grams) }))
      .filter((s) => s.score >= 0.4)
      .sort(
        (x, y) =>
          y.score - x.score ||
          (y.artist.popularity ?? -1) - (x.artist.popularity ?? -1) ||
          cmp(x.artist.id, y.artist.id),
      )
      .slice(0, limit)
      .map((s) => s.artist);
  }

  /** The most popular collected artists (profiles first), for "try one of these". */
  popular(limit: number): IndexArtist[] {
    const key = (a: IndexArtist) => this.keyOf.get(a.id)!;
    this.popularCache ??= [...this.byId.values()]
      .filter((a) => !isVariousArtists(a.id, a.name))
      .sort(
        (a, b) =>
          byStanding(a, b) || (b.followers ?? -1) - (a.followers ?? -1) || cmp(key(a), key(b)),
      );
    return this.popularCache.slice(0, limit);
  }

  similar(id: string, limit: number): SimilarView[] {
    return this.graph.similarTo(id, limit).flatMap((s) => {
      const a = this.byId.get(s.id);
      return a ? [{ id: a.id, name: a.name, imageUrl: a.imageUrl, because: s.because }] : [];
    });
  }
}

function setOnce(map: Map<string, string>, key: string, id: string): void {
  if (key !== '' && !map.has(key)) map.set(key, id);
}
