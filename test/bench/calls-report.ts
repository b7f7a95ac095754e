// The calls benchmark's arithmetic and tables: calls per day from each schedule's runs per
// day, the first day (one first run, the rest steady state) against steady state, and the
// conclusions, all computed from what was measured.
import type { RunCalls } from './calls-measure.js';

/** The target: a run over unchanged data costs at most this share of the first. */
const STEADY_TARGET = 0.15;

export interface ScheduleResult {
  id: string;
  cron: string;
  timeZone: string;
  runsPerDay: number;
  /** Measured on an empty state; null where the schedule ran only after the primary one. */
  first: RunCalls | null;
  /** Its firings over the day after the first run (at least one), in the order they ran. */
  steadyRuns: RunCalls[];
  /** Their mean: the steady-state cost of one run. */
  steady: RunCalls;
}

/** The mean of runs, per job too (calls and jobs may be fractional). */
export function meanRun(runs: readonly RunCalls[]): RunCalls {
  if (runs.length === 0) throw new Error('no runs to average');
  const n = runs.length;
  const byJob: RunCalls['byJob'] = {};
  for (const run of runs)
    for (const [job, j] of Object.entries(run.byJob)) {
      const entry = (byJob[job] ??= { jobs: 0, calls: 0 });
      entry.jobs += j.jobs / n;
      entry.calls += j.calls / n;
    }
  const mean = (f: (r: RunCalls) => number) => runs.reduce((a, r) => a + f(r), 0) / n;
  return {
    calls: mean((r) => r.calls),
    tokens: mean((r) => r.tokens),
    reported: mean((r) => r.reported),
    byJob,
    seconds: mean((r) => r.seconds),
  };
}

export interface CollectorResult {
  job: string;
  tier: string | null;
  /** The schedule with the most runs per day: its first run is the first day's. */
  primary: ScheduleResult;
  schedules: ScheduleResult[];
  /** Set for jobs no schedule sends (measured with a sample message). */
  onDemand?: string;
}

interface PerDay {
  firstDay: number;
  steady: number;
}

const callsOf = (run: RunCalls | null, job?: string): number =>
  run === null ? 0 : job === undefined ? run.calls : (run.byJob[job]?.calls ?? 0);

/**
 * Calls per day of a collector (or of one job of its fan-out): every schedule's runs per day
 * at its steady-state cost; on the first day one run of the primary schedule costs its
 * first-run price instead.
 */
export function perDay(c: CollectorResult, job?: string): PerDay {
  const steady = c.schedules.reduce((n, s) => n + s.runsPerDay * callsOf(s.steady, job), 0);
  const extra =
    c.primary.runsPerDay > 0 ? callsOf(c.primary.first, job) - callsOf(c.primary.steady, job) : 0;
  return { firstDay: steady + extra, steady };
}

export function ratio(first: number, steady: number): number | null {
  return first > 0 ? steady / first : null;
}

const pct = (r: number | null) => (r === null ? '–' : `${(100 * r).toFixed(1)} %`);
const whole = (n: number) => Math.abs(n - Math.round(n)) < 1e-9;
const num = (n: number) => (whole(n) ? String(Math.round(n)) : n.toFixed(1));
const rpd = (n: number) => (whole(n) ? String(Math.round(n)) : n.toFixed(3));

function verdict(r: number | null): string {
  if (r === null) return '–';
  return r <= STEADY_TARGET ? 'yes' : '**no**';
}

/** The jobs a run reached, the collector's own first (it runs first in every run). */
function jobsOf(c: CollectorResult): string[] {
  const names = new Set<string>();
  for (const s of c.schedules)
    for (const run of [s.first, ...s.steadyRuns])
      for (const j of Object.keys(run?.byJob ?? {})) names.add(j);
  return [...names];
}

/** "mean (runs)" of a schedule's steady-state runs. */
const steadyCell = (s: ScheduleResult, job?: string) =>
  `${num(callsOf(s.steady, job))} (${s.steadyRuns.length})`;
const secondOf = (s: ScheduleResult, job?: string) => callsOf(s.steadyRuns[0] ?? null, job);

function collectorRows(c: CollectorResult): string[] {
  const day = perDay(c);
  const p = c.primary;
  const first = callsOf(p.first);
  const r = ratio(first, callsOf(p.steady));
  const totalRuns = c.schedules.reduce((n, s) => n + s.runsPerDay, 0);
  const rows = [
    `| **${c.job}** | ${rpd(totalRuns)} | ${first} | ${secondOf(p)} | ${steadyCell(p)} | ${pct(r)} | ${verdict(r)} | **${num(day.firstDay)}** | **${num(day.steady)}** |`,
  ];
  if (c.schedules.length > 1)
    for (const s of c.schedules) {
      const sFirst = s.first === null ? '–' : String(s.first.calls);
      const sRatio = s.first ? ratio(s.first.calls, s.steady.calls) : null;
      rows.push(
        `| · ${s.id} \`${s.cron}\` ${s.timeZone} | ${rpd(s.runsPerDay)} | ${sFirst} | ${secondOf(s)} | ${steadyCell(s)} | ${pct(sRatio)} | | | ${num(s.runsPerDay * s.steady.calls)} |`,
      );
    }
  const jobs = jobsOf(c);
  if (jobs.length > 1)
    for (const job of jobs) {
      const f = p.first?.byJob[job];
      const jd = perDay(c, job);
      const label =
        job === c.job
          ? `${job} itself`
          : `${job} (${f?.jobs ?? 0} / ${num(p.steady.byJob[job]?.jobs ?? 0)} jobs)`;
      rows.push(
        `| ↳ ${label} | | ${f?.calls ?? 0} | ${secondOf(p, job)} | ${steadyCell(p, job)} | ${pct(ratio(f?.calls ?? 0, callsOf(p.steady, job)))} | | ${num(jd.firstDay)} | ${num(jd.steady)} |`,
      );
    }
  return rows;
}

export function table(collectors: readonly CollectorResult[]): string {
  const scheduled = collectors.filter((c) => !c.onDemand);
  const totals = scheduled.map((c) => perDay(c));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return [
    '| collector | runs per day | first run calls | second run calls | steady state: mean calls per run (runs) | steady / first | ≤ 15 % | calls per day, first day | calls per day, steady state |',
    '|---|---:|---:|---:|---:|---:|:-:|---:|---:|',
    ...scheduled.flatMap(collectorRows),
    `| **all scheduled collectors** | | | | | | | **${num(sum(totals.map((t) => t.firstDay)))}** | **${num(sum(totals.map((t) => t.steady)))}** |`,
  ].join('\n');
}

/** Jobs no schedule sends: a sample message and the same again a day later. */
export function onDemandTable(collectors: readonly CollectorResult[]): string {
  return [
    '| job (no schedule) | tier | sent by | sample run calls | same message again |',
    '|---|---|---|---:|---:|',
    ...collectors
      .filter((c) => c.onDemand)
      .map(
        (c) =>
          `| ${c.job} | ${c.tier ?? '–'} | ${c.onDemand} | ${callsOf(c.primary.first)} | ${callsOf(c.primary.steady)} |`,
      ),
  ].join('\n');
}

/** The steady/first verdict of one collector, or null when its first run calls nothing. */
export function verdictLine(c: CollectorResult): string | null {
  const first = callsOf(c.primary.first);
  const steady = callsOf(c.primary.steady);
  const r = ratio(first, steady);
  if (r === null) return null;
  const tier = c.tier ? ` (${c.tier})` : '';
  const met = r <= STEADY_TARGET;
  const runs = c.primary.steadyRuns.length;
  const what = runs === 1 ? 'second run' : `mean of ${runs} steady-state runs`;
  return `${c.job}${tier}: ${what} / first run = ${num(steady)} / ${first} = ${pct(r)} ${met ? '≤' : '>'} ${100 * STEADY_TARGET} %: ${met ? 'meets' : 'misses'} the target`;
}

/** One line per scheduled collector that calls an API: its steady/first ratio against the target. */
export function conclusions(collectors: readonly CollectorResult[]): string[] {
  return collectors
    .filter((c) => !c.onDemand)
    .flatMap((c) => {
      const line = verdictLine(c);
      return line === null ? [] : [`- ${line}.`];
    });
}
