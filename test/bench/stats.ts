// Shared statistics for the benchmarks, so every area reports percentiles the same way.

/**
 * Nearest-rank percentile of ascending-sorted samples: the smallest sample with at least p %
 * of the samples at or below it (rank ceil(p/100 · n), 1-based). NaN when there are none.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}
