// The run summary the CLI prints on stderr after each job: outcome, rows and calls on one
// line, then what a person must know: why it failed or was deferred, what was skipped or is
// unavailable in this tier, and the data-quality counters.
import type { RunSummary } from '../core/runner.js';

const pairs = (record: Record<string, unknown>) =>
  Object.entries(record)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');

export function formatSummary(summary: RunSummary): string {
  const lines = [
    `${summary.outcome.toUpperCase()} ${summary.job} run ${summary.runId}: items=${summary.items} rows: ${pairs(summary.rows) || 'none'}; api calls: ${pairs(summary.apiCalls) || '0'}; ${summary.durationMs} ms`,
  ];
  if (summary.error) {
    const kind = summary.failureKind ? ` (${summary.failureKind})` : '';
    lines.push(`  reason${kind}: ${summary.error}`);
  }
  if (summary.retryAfterSeconds !== null)
    lines.push(`  retry after: ${summary.retryAfterSeconds} s`);
  if (Object.keys(summary.details).length > 0) lines.push(`  details: ${pairs(summary.details)}`);
  if (Object.keys(summary.quality).length > 0) lines.push(`  quality: ${pairs(summary.quality)}`);
  return lines.join('\n');
}
