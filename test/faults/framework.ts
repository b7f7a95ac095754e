// Fault-injection harness shared by every collector: run the messages under injected
// faults, redelivering each (same run id and publish time, as Pub/Sub does) until it
// succeeds, then compare base tables, latest_* views and raw objects with an undisturbed
// reference run of the same messages under the same run ids (./measures.ts). A run can
// also be caught in flight: held mid-run and redelivered as if its instance was killed,
// or held while a second delivery of its message runs and released afterwards.
import { expect } from 'chai';
import type { RunSummary } from '../../functions/core/runner.js';
import type { FakeClock } from '../../functions/platform/clock.js';
import type { JobMessage } from '../../functions/platform/queue.js';
import type { Services } from '../../functions/platform/runtime.js';
import type { HttpSandbox, LoggedRequest } from '../sandbox/http-sandbox.js';
import { pausingRawStore } from './failing-stores.js';
import {
  baseTables,
  compare,
  latestViews,
  rawObjects,
  type Comparison,
  type LatestView,
} from './measures.js';

export type { LatestView } from './measures.js';

/** A started test harness as the framework drives it (the test harnesses all fit). */
export interface StartedHarness {
  clock: FakeClock;
  services: Services;
  sandbox: HttpSandbox;
  run(message: JobMessage, runId?: string, runTime?: Date): Promise<RunSummary>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** How a run is caught in flight: held after `afterLines` raw lines, then redelivered. */
export interface InFlight {
  mode: 'killed' | 'overlapping';
  afterLines: number;
}

export interface FaultReport {
  collector: string;
  scenario: string;
  attempts: number;
  outcomes: string[];
  /** Base rows, latest rows and raw answers of the reference that were compared. */
  compared: number;
  lost: number;
  doubled: number;
  extra: number;
  /** Requests sent sooner than a Retry-After asked. */
  shortWaits: number;
  extraApiCalls: number;
  parts: Record<'base' | 'latest' | 'raw', Comparison>;
}

const runIdOf = (i: number) => `fault-run-${i}`;

/** Delivers each message until it succeeds (max `maxAttempts`), as Pub/Sub redelivers. */
export async function runUntilSuccess(
  h: StartedHarness,
  messages: readonly JobMessage[],
  options: {
    maxAttempts?: number;
    inFlight?: InFlight | undefined;
    /** Publish times to deliver with (default: the clock at the first delivery). */
    runTimes?: Date[];
    /** When each message's successful delivery must happen (the clock moves forward to it). */
    at?: Date[];
  } = {},
): Promise<{ attempts: number; outcomes: string[]; runTimes: Date[]; succeededAt: Date[] }> {
  const outcomes: string[] = [];
  const runTimes: Date[] = [];
  const succeededAt: Date[] = [];
  let attempts = 0;
  const inFlight = options.inFlight;
  const hold = inFlight ? pausingRawStore(await h.services.rawStore(), inFlight.afterLines) : null;
  if (hold) h.services.rawStore = async () => hold.store;
  let caught = false;
  let late: Promise<void> | null = null;
  for (const [i, message] of messages.entries()) {
    const runTime = options.runTimes?.[i] ?? h.clock.now();
    runTimes.push(runTime);
    const wait = (options.at?.[i]?.getTime() ?? 0) - h.clock.now().getTime();
    if (wait > 0) h.clock.advance(wait);
    for (let attempt = 1; ; attempt++) {
      attempts += 1;
      const startedAt = h.clock.now();
      const delivery = h.run(message, runIdOf(i), runTime);
      let summary: RunSummary | 'held';
      if (hold && inFlight && !caught) {
        summary = await Promise.race([delivery, hold.paused.then(() => 'held' as const)]);
        if (summary === 'held') {
          caught = true;
          outcomes.push(inFlight.mode === 'killed' ? 'killed' : 'held');
          // A killed run never resumes; a held one finishes after the redelivery did.
          if (inFlight.mode === 'overlapping')
            late = delivery.then(
              (s) => void outcomes.push(`${s.outcome} (late)`),
              () => void outcomes.push('failed (late)'),
            );
          continue;
        }
      } else {
        summary = await delivery;
      }
      outcomes.push(summary.outcome);
      if (summary.outcome === 'succeeded') {
        succeededAt.push(startedAt);
        break;
      }
      if (summary.outcome === 'rejected' || attempt >= (options.maxAttempts ?? 6))
        throw new Error(
          `${message.job} did not succeed after ${attempt} attempts: ${summary.error}`,
        );
      h.clock.advance((summary.retryAfterSeconds ?? 60) * 1000);
    }
    if (late) {
      hold?.release();
      await late;
      late = null;
    }
  }
  return { attempts, outcomes, runTimes, succeededAt };
}

/** Requests that came sooner after an answer than its Retry-After asked. */
function shortWaits(log: readonly LoggedRequest[]): number {
  let short = 0;
  log.forEach((entry, i) => {
    if (entry.retryAfter === undefined) return;
    const next = log.slice(i + 1).find((r) => r.path === entry.path);
    if (next && next.at < entry.at + entry.retryAfter * 1000) short += 1;
  });
  return short;
}

/** One scenario of one collector: how to start its harness, arm the fault, check the rest. */
export interface FaultCase<H extends StartedHarness> {
  title: string;
  collector: string;
  scenario: string;
  views: readonly LatestView[];
  messages: readonly JobMessage[];
  /** Extra deliveries of every message after success (Pub/Sub redelivery). */
  redeliveries?: number | undefined;
  inFlight?: InFlight | undefined;
  /** Base and raw entries this scenario is documented to change (never doubled rows). */
  tolerated?: { match: (id: string) => boolean; why: string } | undefined;
  start(): Promise<H>;
  /** Requests the harness's source received (API and token calls, as the collector pays). */
  apiCalls(h: H): number;
  arm(faulted: H): void | Promise<void>;
  /** Checks of this collector beyond "nothing lost, nothing doubled". */
  verify(report: FaultReport, faulted: H): void | Promise<void>;
}

export async function measureCase<H extends StartedHarness>(
  c: FaultCase<H>,
  clean: H,
  faulted: H,
): Promise<FaultReport> {
  for (const h of [clean, faulted]) h.sandbox.timeNow = () => h.clock.now().getTime();
  await c.arm(faulted);
  const result = await runUntilSuccess(faulted, c.messages, { inFlight: c.inFlight });
  for (let r = 0; r < (c.redeliveries ?? 0); r++)
    for (const [i, message] of c.messages.entries())
      result.outcomes.push((await faulted.run(message, runIdOf(i), result.runTimes[i])).outcome);
  // The reference: same run ids and publish times, each message collected at the moment
  // the faulted run's successful delivery was (sources answer by the time asked).
  const reference = await runUntilSuccess(clean, c.messages, {
    runTimes: result.runTimes,
    at: result.succeededAt,
  });
  if (reference.attempts !== c.messages.length) throw new Error('the reference run needed retries');
  const cleanCalls = c.apiCalls(clean);
  const tolerated = c.tolerated?.match;
  const parts = {
    base: compare(await baseTables(clean.query), await baseTables(faulted.query), tolerated),
    latest: compare(
      await latestViews(clean.query, c.views),
      await latestViews(faulted.query, c.views),
    ),
    raw: compare(
      await rawObjects(await clean.services.rawStore()),
      await rawObjects(await faulted.services.rawStore()),
      tolerated,
      true,
    ),
  };
  const sum = (k: 'compared' | 'lost' | 'doubled' | 'extra') =>
    parts.base[k] + parts.latest[k] + parts.raw[k];
  return {
    collector: c.collector,
    scenario: c.scenario,
    attempts: result.attempts,
    outcomes: result.outcomes,
    compared: sum('compared'),
    lost: sum('lost'),
    doubled: sum('doubled'),
    extra: sum('extra'),
    shortWaits: shortWaits(faulted.sandbox.log),
    extraApiCalls: c.apiCalls(faulted) - cleanCalls,
    parts,
  };
}

export function formatReports(reports: readonly FaultReport[]): string {
  const lines = [
    'collector | scenario | attempts | rows compared | lost | doubled | extra | short waits | extra API calls',
    '---|---|---|---|---|---|---|---|---',
  ];
  for (const r of reports)
    lines.push(
      `${r.collector} | ${r.scenario} | ${r.attempts} | ${r.compared} | ${r.lost} | ${r.doubled} | ${r.extra} | ${r.shortWaits} | ${r.extraApiCalls}`,
    );
  const total = (k: 'compared' | 'lost' | 'doubled' | 'extra' | 'shortWaits') =>
    reports.reduce((a, r) => a + r[k], 0);
  lines.push(
    `TOTAL: ${reports.length} scenarios, ${total('compared')} rows and raw answers compared, ` +
      `${total('lost')} lost, ${total('doubled')} doubled, ${total('extra')} extra, ` +
      `${total('shortWaits')} short waits`,
  );
  return lines.join('\n');
}

/** Runs one case on a fresh reference and a fresh faulted harness, closing both. */
export async function withCase<H extends StartedHarness>(
  c: FaultCase<H>,
  body: (report: FaultReport, faulted: H) => Promise<void> | void,
): Promise<void> {
  const clean = await c.start();
  const faulted = await c.start();
  try {
    await body(await measureCase(c, clean, faulted), faulted);
  } finally {
    await clean.close();
    await faulted.close();
  }
}

/**
 * A suite with one test per case: the faulted run must lose, double and add nothing and
 * wait as long as every Retry-After asked. The table of reports is printed at the end.
 */
export function describeFaultCases<H extends StartedHarness>(
  title: string,
  cases: ReadonlyArray<FaultCase<H>>,
): void {
  describe(title, function () {
    this.timeout(120_000);
    const reports: FaultReport[] = [];

    after(() => {
      console.log('\n' + formatReports(reports) + '\n');
    });

    for (const c of cases) {
      it(c.title, () =>
        withCase(c, async (report, faulted) => {
          reports.push(report);
          const detail = JSON.stringify(report.parts);
          expect(report.lost, `rows lost ${detail}`).to.equal(0);
          expect(report.doubled, `rows doubled ${detail}`).to.equal(0);
          expect(report.extra, `rows only the faulted run has ${detail}`).to.equal(0);
          expect(report.shortWaits, 'requests sooner than Retry-After asked').to.equal(0);
          await c.verify(report, faulted);
        }),
      );
    }
  });
}
