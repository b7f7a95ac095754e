// Checks of CLI values that must fail before anything runs: calendar days, replay's source
// and entity (the ones raw objects can be mapped from), ISO times.
import { catalog } from '../sources/all.js';
import { didYouMean } from './job-params.js';
import { UsageError } from './errors.js';

/** A real calendar day YYYY-MM-DD (2026-13-01 and 2026-02-30 are refused). */
export function calendarDay(flag: string, value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = new Date(`${value}T00:00:00Z`);
  if (!match || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw new UsageError(`${flag} must be a calendar day YYYY-MM-DD, not "${value}"`);
  return value;
}

/** An ISO 8601 time with a date, e.g. 2026-12-01T10:00:00Z. */
export function isoTime(flag: string, value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new UsageError(
      `${flag} must be an ISO 8601 time such as 2026-12-01T10:00:00Z, not "${value}"`,
    );
  return date;
}

export function replaySelection(source?: string, entity?: string): void {
  const sources = [...new Set(catalog.mappers.map((m) => m.source))];
  if (source !== undefined && !sources.includes(source))
    throw new UsageError(
      `--source must be one of ${sources.join(', ')}, not "${source}"${didYouMean(source, sources)}`,
    );
  if (entity === undefined) return;
  const entities = [
    ...new Set(catalog.mappers.filter((m) => !source || m.source === source).map((m) => m.entity)),
  ];
  if (!entities.includes(entity))
    throw new UsageError(
      `--entity must be one of ${entities.join(', ')}${source ? ` (source ${source})` : ''}, not "${entity}"${didYouMean(entity, entities)}`,
    );
}
