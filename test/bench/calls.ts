// API calls per collector, first run against steady state: every scheduled job of the
// catalogue runs its scheduled message against its source's sandbox twice over unchanged
// data in one state folder (then its other schedules, e.g. the weekly full refresh), with
// the run times and new run ids the scheduler would send; fan-outs run their children in
// process. Runs per day come from the schedules' cron expressions. Nothing is hard-coded:
// a collector that changes, or a schedule that changes, changes these numbers.
import type { JobDefinition, Schedule } from '../../functions/core/job.js';
import { catalog } from '../../functions/sources/all.js';
import type { Tier } from '../sandbox/spotify/server.js';
import { AVERAGING_DAYS, nextRun, runsPerDay } from './calls-cron.js';
import { measureRuns, type PlannedRun } from './calls-measure.js';
import {
  conclusions,
  meanRun,
  onDemandTable,
  table,
  verdictLine,
  type CollectorResult,
  type ScheduleResult,
} from './calls-report.js';
import {
  coverageGaps,
  FEED_HISTORY_HOURS,
  POSTS_PER_HOUR,
  TIERED_SOURCES,
  UNSCHEDULED,
} from './calls-sources.js';
import type { BenchModule } from './types.js';

/** Where simulated time starts (a Friday; the Instagram sandbox's feeds are built to it). */
const REFERENCE = new Date('2026-11-20T10:00:00Z');
const DAY_MS = 24 * 3600_000;
/** The collector issue 14 holds to "a second run costs at most 15 % of the first". */
const HEADLINE_JOB = 'spotify.artist_catalog';

const runId = (job: string, tier: Tier, n: number) =>
  `bench-calls-${job.replace(/\W/g, '-')}-${tier}-${n}`;

/** A schedule's firings in (after, until], or its next one when none fall there. */
function firings(s: Schedule, after: Date, until: Date): Date[] {
  let at = nextRun(s.cron, s.timeZone, after);
  if (at > until) return [at];
  const out: Date[] = [];
  for (; at <= until; at = nextRun(s.cron, s.timeZone, at)) out.push(at);
  return out;
}

/**
 * The scheduler's messages for one job: its most frequent schedule's first firing on an
 * empty state, then every firing of every schedule over the following day, in time order
 * (a schedule that fires less often: its next firing). Pacing or caching can make runs of
 * one schedule differ, so the steady state is the mean over those runs.
 */
async function measureScheduled(job: JobDefinition, tier: Tier): Promise<CollectorResult> {
  const withRate = job.schedules.map((s) => ({
    s,
    rate: runsPerDay(s.cron, s.timeZone, REFERENCE),
  }));
  const primary = withRate.reduce((a, b) => (b.rate > a.rate ? b : a));
  const message = (s: Schedule) => ({ job: job.name, params: s.params });
  const t1 = nextRun(primary.s.cron, primary.s.timeZone, REFERENCE);
  const until = new Date(t1.getTime() + DAY_MS);
  const steadyPlan = withRate
    .flatMap((o) => firings(o.s, t1, until).map((at) => ({ o, at })))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const plan: PlannedRun[] = [
    { message: message(primary.s), runId: runId(job.name, tier, 1), at: t1 },
    ...steadyPlan.map((x, i) => ({
      message: message(x.o.s),
      runId: runId(job.name, tier, i + 2),
      at: x.at,
    })),
  ];
  const [first, ...steady] = await measureRuns(job.source, tier, plan);
  const schedules = withRate.map((o): ScheduleResult => {
    const steadyRuns = steady.filter((_, i) => steadyPlan[i]!.o === o);
    return {
      id: o.s.id,
      cron: o.s.cron,
      timeZone: o.s.timeZone,
      runsPerDay: o.rate,
      first: o === primary ? first! : null,
      steadyRuns,
      steady: meanRun(steadyRuns),
    };
  });
  return {
    job: job.name,
    tier: TIERED_SOURCES.has(job.source) ? tier : null,
    primary: schedules[withRate.indexOf(primary)]!,
    schedules,
  };
}

/** A job no schedule sends: a sample message, then the same again a day later. */
async function measureOnDemand(
  job: JobDefinition,
  tier: Tier,
  why: string,
  params: Record<string, unknown>,
): Promise<CollectorResult> {
  const message = { job: job.name, params };
  const [first, steady] = await measureRuns(job.source, tier, [
    { message, runId: runId(job.name, tier, 1), at: REFERENCE },
    { message, runId: runId(job.name, tier, 2), at: new Date(REFERENCE.getTime() + DAY_MS) },
  ]);
  const only: ScheduleResult = {
    id: 'sample',
    cron: '–',
    timeZone: '',
    runsPerDay: 0,
    first: first!,
    steadyRuns: [steady!],
    steady: steady!,
  };
  return {
    job: job.name,
    tier: TIERED_SOURCES.has(job.source) ? tier : null,
    primary: only,
    schedules: [only],
    onDemand: why,
  };
}

async function measureTier(tier: Tier, sources: (s: string) => boolean) {
  const results: CollectorResult[] = [];
  for (const job of catalog.jobs.filter((j) => sources(j.source))) {
    const listed = UNSCHEDULED[job.name];
    process.stderr.write(`bench calls: ${job.name} (${tier})\n`);
    if (job.schedules.length > 0) results.push(await measureScheduled(job, tier));
    else if (listed?.kind === 'on-demand')
      results.push(await measureOnDemand(job, tier, listed.why, listed.sample()));
  }
  return results;
}

/** Fan-out children the catalogue says a schedule reaches, and whether the runs reached them. */
function fanOutCheck(tier: Tier, results: readonly CollectorResult[]): string[] {
  return Object.entries(UNSCHEDULED).flatMap(([job, u]) => {
    if (u.kind !== 'fan-out' || !u.tiers.includes(tier)) return [];
    const parent = results.find((r) => r.job === u.parent);
    const seen = parent?.schedules.some((s) =>
      [s.first, ...s.steadyRuns].some((run) => (run?.byJob[job]?.jobs ?? 0) > 0),
    );
    return seen ? [] : [`- **${job} never ran** in ${u.parent}'s runs (${tier}).`];
  });
}

/** Whether the runs' own counts (what job_runs records, token requests included) agree. */
function reportedNote(results: readonly CollectorResult[]): string {
  const runs = results.flatMap((r) =>
    r.schedules.flatMap((s) =>
      [s.first, ...s.steadyRuns].flatMap((x) => (x ? [{ job: r.job, tier: r.tier, run: x }] : [])),
    ),
  );
  const off = runs.filter((x) => x.run.reported !== x.run.calls + x.run.tokens);
  const sample = off
    .slice(0, 5)
    .map(
      (x) =>
        `${x.job}${x.tier ? ` (${x.tier})` : ''} counted ${x.run.reported}, sandbox ${x.run.calls} + ${x.run.tokens} token`,
    );
  return off.length === 0
    ? `The runs' own call counts (job_runs.api_calls, which include token requests) equal the sandboxes' requests in all ${runs.length} runs.`
    : `The runs' own call counts (job_runs.api_calls, which include token requests) differ from the sandboxes' requests in ${off.length} of ${runs.length} runs: ${sample.join('; ')}.`;
}

function tokenNote(results: readonly CollectorResult[]): string {
  const runs = results.flatMap((r) =>
    r.schedules.flatMap((s) => (s.first ? [s.first, ...s.steadyRuns] : s.steadyRuns)),
  );
  const tokens = runs.reduce((n, x) => n + x.tokens, 0);
  return `OAuth token requests are not in the table: ${tokens} over these ${runs.length} Spotify runs, at most one per run here because every run starts a fresh instance (a warm instance reuses its token for an hour).`;
}

export const bench: BenchModule = {
  async run() {
    const gaps = coverageGaps(catalog);
    if (gaps.length > 0) throw new Error(`calls bench leaves out: ${gaps.join('; ')}`);
    const started = performance.now();
    const defaults = await measureTier('development', () => true);
    const extended = await measureTier('extended', (s) => TIERED_SOURCES.has(s));
    const seconds = (performance.now() - started) / 1000;
    const all = [...defaults, ...extended];
    const noApi = catalog.jobs.flatMap((j) => {
      const u = UNSCHEDULED[j.name];
      return u?.kind === 'no-external-api' ? [`${j.name} (${u.why})`] : [];
    });
    const zero = defaults.filter(
      (c) =>
        c.schedules.every(
          (s) => (s.first?.calls ?? 0) === 0 && s.steadyRuns.every((x) => x.calls === 0),
        ) && !c.onDemand,
    );
    const checks = [...fanOutCheck('development', defaults), ...fanOutCheck('extended', extended)];
    const spotifyRuns = all.filter((c) => c.tier !== null);
    const headline = defaults.find((c) => c.job === HEADLINE_JOB);
    const headlineLine = headline ? verdictLine(headline) : null;
    if (headlineLine === null) throw new Error(`calls bench: ${HEADLINE_JOB} made no calls`);
    return {
      title: 'API calls per collector: first run and steady state',
      command: 'npm run bench -- calls',
      markdown: [
        `Every scheduled job's scheduled message, sent as the scheduler sends it, against its source's sandbox (simulated time from ${REFERENCE.toISOString()}):`,
        '',
        "- **first run**: the most frequent schedule's first firing, on an empty local state folder and warehouse;",
        '- **second run**: its next firing, with a later run time and a new run id, over unchanged sandbox data;',
        '- **steady state**: every firing of every schedule of the job over the day after the first run, in time order on the state they leave (a schedule that fires less often, e.g. the weekly full refresh: its next firing; its "first run" is –); the mean per run, since pacing can make runs of one schedule differ;',
        "- each run is a fresh instance (new services) on the same state folder and warehouse; fan-outs run every child in process through the local queue, and ↳ rows give each job's share (jobs run first / steady);",
        `- runs per day come from each schedule's cron expression and time zone (cron-parser, averaged over ${AVERAGING_DAYS} days); calls per day, steady state = Σ over schedules of runs per day × that schedule's mean steady-state calls; the first day has one first run of the most frequent schedule in place of a steady one;`,
        `- API calls exclude OAuth token requests. Spotify: the podcast sandbox and a synthetic catalogue holding the default watch list. Instagram: the default accounts and hashtags, ${POSTS_PER_HOUR} posts an hour under each hashtag from ${FEED_HISTORY_HOURS} hours before the start, frozen at the first run, no usage pressure.`,
        '',
        `### Default deployment (Spotify development tier)`,
        '',
        table(defaults),
        '',
        `### Spotify extended tier`,
        '',
        table(extended),
        '',
        `### Jobs no schedule sends`,
        '',
        onDemandTable(all),
        '',
        `**Headline** (the default deployment's catalogue): ${headlineLine}.`,
        '',
        '**Steady state against the first run**, every scheduled collector that calls an API (the target: at most 15 %):',
        '',
        ...conclusions(all),
        ...checks,
        '',
        `No external API: ${noApi.join('; ')}.${zero.length > 0 ? ` Scheduled but calling nothing (measured): ${zero.map((c) => c.job).join(', ')}.` : ''}`,
        '',
        `${reportedNote(all)} ${tokenNote(spotifyRuns)} Measured in ${seconds.toFixed(0)} s.`,
      ].join('\n'),
    };
  },
};
