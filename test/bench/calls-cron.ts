// Cron arithmetic for the calls benchmark: how often a schedule runs and when the scheduler
// sends its next message, read from the cron expression and its time zone (cron-parser), so
// a changed schedule changes the benchmark's per-day numbers by itself.
import { CronExpressionParser } from 'cron-parser';

/** Every day of the week equally often: the window runs per day are averaged over. */
export const AVERAGING_DAYS = 28;

const DAY_MS = 24 * 3600_000;

/** Cloud Scheduler takes unix-cron: five fields, no seconds (cron-parser would allow six). */
function parse(cron: string, options: Parameters<typeof CronExpressionParser.parse>[1]) {
  if (cron.trim().split(/\s+/).length !== 5)
    throw new Error(`not a five-field unix-cron expression: "${cron}"`);
  return CronExpressionParser.parse(cron, options);
}

/** Runs per day of a schedule, averaged over AVERAGING_DAYS days from `from`. */
export function runsPerDay(cron: string, timeZone: string, from: Date): number {
  const expression = parse(cron, {
    currentDate: from,
    endDate: new Date(from.getTime() + AVERAGING_DAYS * DAY_MS),
    tz: timeZone,
  });
  let runs = 0;
  while (expression.hasNext()) {
    expression.next();
    runs += 1;
  }
  return runs / AVERAGING_DAYS;
}

/** The first time strictly after `after` at which the schedule fires. */
export function nextRun(cron: string, timeZone: string, after: Date): Date {
  return parse(cron, { currentDate: after, tz: timeZone }).next().toDate();
}
