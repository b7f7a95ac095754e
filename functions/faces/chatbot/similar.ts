// Similar artists without Spotify's removed related-artists endpoint: a score over what the
// collectors still gather (docs/chatbot.md "Similar artists" documents the weights).
//   score = 3 × min(shared tracks, 5)            features: credited together on a track
//         + 4 × Jaccard(genres)                  only when both artists have genres
//         + 1 × min(shared compilations, 3)      on the same compilation album
//         + 1 × (1 − |Δ popularity| / 100)       only for a candidate some signal above found,
//                                                and only when both popularities are known
// Ties: score, shared tracks, popularity (unknown last), name key, id: fully deterministic.
import type { SimilarBecause } from './reply.js';

const WEIGHTS = {
  track: 3,
  trackCap: 5,
  genre: 4,
  compilation: 1,
  compilationCap: 3,
  popularity: 1,
};

/** Compilations with more artists than this say little about any pair of them. */
const MAX_COMPILATION_ARTISTS = 100;

export interface SimilarSubject {
  id: string;
  key: string;
  genres: string[];
  popularity: number | null;
  excluded: boolean;
}

export interface Scored {
  id: string;
  score: number;
  because: SimilarBecause;
}

export class SimilarityGraph {
  private readonly collab = new Map<string, Map<string, number>>();
  private readonly byGenre = new Map<string, Set<string>>();
  private readonly compilationsOf = new Map<string, Set<string>>();
  private readonly membersOf = new Map<string, string[]>();
  private readonly memo = new Map<string, Scored[]>();

  constructor(
    private readonly subjects: ReadonlyMap<string, SimilarSubject>,
    collaborations: ReadonlyArray<{ a: string; b: string; sharedTracks: number }>,
    compilations: ReadonlyArray<{ albumId: string; artistIds: string[] }>,
  ) {
    const link = (x: string, y: string, n: number) => {
      let m = this.collab.get(x);
      if (!m) this.collab.set(x, (m = new Map()));
      m.set(y, (m.get(y) ?? 0) + n);
    };
    for (const c of collaborations) {
      if (c.a === c.b) continue;
      link(c.a, c.b, c.sharedTracks);
      link(c.b, c.a, c.sharedTracks);
    }
    for (const s of subjects.values()) {
      for (const g of s.genres) {
        let set = this.byGenre.get(g);
        if (!set) this.byGenre.set(g, (set = new Set()));
        set.add(s.id);
      }
    }
    for (const album of compilations) {
      const members = [...new Set(album.artistIds)];
      if (members.length < 2 || members.length > MAX_COMPILATION_ARTISTS) continue;
      this.membersOf.set(album.albumId, members);
      for (const id of members) {
        let set = this.compilationsOf.get(id);
        if (!set) this.compilationsOf.set(id, (set = new Set()));
        set.add(album.albumId);
      }
    }
  }

  /** The best `limit` similar artists of `id`, memoised per index generation. */
  similarTo(id: string, limit: number): Scored[] {
    let ranked = this.memo.get(id);
    if (!ranked) {
      ranked = this.rank(id);
      this.memo.set(id, ranked);
    }
    return ranked.slice(0, limit);
  }

  private rank(id: string): Scored[] {
    const me = this.subjects.get(id);
    if (!me) return [];
    const candidates = new Set<string>(this.collab.get(id)?.keys() ?? []);
    for (const g of me.genres) for (const other of this.byGenre.get(g) ?? []) candidates.add(other);
    const myCompilations = this.compilationsOf.get(id) ?? new Set<string>();
    for (const album of myCompilations)
      for (const other of this.membersOf.get(album) ?? []) candidates.add(other);
    candidates.delete(id);

    const out: Scored[] = [];
    for (const otherId of candidates) {
      const other = this.subjects.get(otherId);
      if (!other || other.excluded) continue;
      const sharedTracks = this.collab.get(id)?.get(otherId) ?? 0;
      const sharedGenres = me.genres.filter((g) => other.genres.includes(g));
      const union = new Set([...me.genres, ...other.genres]).size;
      let sharedCompilations = 0;
      for (const album of this.compilationsOf.get(otherId) ?? [])
        if (myCompilations.has(album)) sharedCompilations += 1;
      let score =
        WEIGHTS.track * Math.min(sharedTracks, WEIGHTS.trackCap) +
        (union > 0 ? (WEIGHTS.genre * sharedGenres.length) / union : 0) +
        WEIGHTS.compilation * Math.min(sharedCompilations, WEIGHTS.compilationCap);
      if (score <= 0) continue;
      if (me.popularity !== null && other.popularity !== null)
        score += WEIGHTS.popularity * (1 - Math.abs(me.popularity - other.popularity) / 100);
      out.push({
        id: otherId,
        score: Math.round(score * 1e6) / 1e6,
        because: { sharedTracks, sharedGenres, sharedCompilations },
      });
    }
    return out.sort((x, y) => this.compare(x, y));
  }

  private compare(x: Scored, y: Scored): number {
    if (y.score !== x.score) return y.score - x.score;
    if (y.because.sharedTracks !== x.because.sharedTracks)
      return y.because.sharedTracks - x.because.sharedTracks;
    const px = this.subjects.get(x.id)?.popularity ?? -1;
    const py = this.subjects.get(y.id)?.popularity ?? -1;
    if (py !== px) return py - px;
    const kx = this.subjects.get(x.id)?.key ?? '';
    const ky = this.subjects.get(y.id)?.key ?? '';
    if (kx !== ky) return kx < ky ? -1 : 1;
    return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
  }
}
