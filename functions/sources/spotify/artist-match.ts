// Name → artist choice: an exact match after normalisation (NFKC, accents stripped,
// case-folded, whitespace collapsed; Hangul and other scripts kept) wins, else the
// best-ranked hit. Pure, so the rule is tested without HTTP and replayed from raw.
import { normalizeText } from '../../platform/text.js';

export type MatchKind = 'exact' | 'best_ranked' | 'none';

export interface ArtistCandidate {
  /** 1-based search rank. */
  rank: number;
  artistId: string;
  name: string;
}

export interface ArtistChoice {
  query: string;
  normalizedQuery: string;
  matchKind: MatchKind;
  chosen: ArtistCandidate | null;
  reason: string;
  candidates: Array<ArtistCandidate & { exact: boolean }>;
}

/** A candidate whose exactness the caller may know already (it compared while paging). */
export type MarkedCandidate = ArtistCandidate & { exact?: boolean };

export function chooseArtist(query: string, candidates: readonly MarkedCandidate[]): ArtistChoice {
  const normalizedQuery = normalizeText(query);
  const ordered = [...candidates].sort((a, b) => a.rank - b.rank);
  const marked = ordered.map((c) => ({
    ...c,
    exact: c.exact ?? normalizeText(c.name) === normalizedQuery,
  }));
  const exact = marked.filter((c) => c.exact);
  const base = { query, normalizedQuery, candidates: marked };
  const strip = (c: ArtistCandidate & { exact: boolean }): ArtistCandidate => ({
    rank: c.rank,
    artistId: c.artistId,
    name: c.name,
  });
  if (exact.length > 0) {
    const chosen = exact[0]!;
    return {
      ...base,
      matchKind: 'exact',
      chosen: strip(chosen),
      reason:
        `"${chosen.name}" equals "${query}" after normalisation (rank ${chosen.rank} of ${marked.length})` +
        (exact.length > 1 ? `; ${exact.length} exact matches, the best-ranked taken` : '') +
        (chosen.rank > 1 ? `; the first hit "${marked[0]!.name}" is not an exact match` : ''),
    };
  }
  if (marked.length > 0) {
    const chosen = marked[0]!;
    return {
      ...base,
      matchKind: 'best_ranked',
      chosen: strip(chosen),
      reason: `no hit equals "${query}" after normalisation among ${marked.length}; took the best-ranked hit "${chosen.name}"`,
    };
  }
  return { ...base, matchKind: 'none', chosen: null, reason: `no artist found for "${query}"` };
}
