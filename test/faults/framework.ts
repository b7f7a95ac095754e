// Fault-injection harness shared by every collector: run a job under injected faults,
// redeliver it (same run id, as Pub/Sub does) until it succeeds, then compare the latest_*
// views with a clean run's. Lost = keys the clean run has and the faulted one lacks (or
// holds with different values); doubled = extra rows per key in a latest view.
import { expect } from 'chai';
import type { RunSummary } from '../../functions/core/runner.js';
import type { FakeClock } from '../../functions/platform/clock.js';
import type { JobMessage } from '../../functions/platform/queue.js';

export interface RunnableHarness {
  run(message: JobMessage, runId?: string): Promise<RunSummary>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Advances the fake clock (deferred runs come back later). */
  advanceSeconds(seconds: number): void;
  apiCalls(): number;
  close(): Promise<void>;
}

export interface LatestView {
  view: string;
  key: readonly string[];
}

export interface FaultReport {
  collector: string;
  scenario: string;
  attempts: number;
  outcomes: string[];
  lost: number;
  doubled: number;
  extraApiCalls: number;
}

const VOLATILE = new Set(['run_id', 'collected_at', 'insert_id']);

async function snapshot(
  h: RunnableHarness,
  views: readonly LatestView[],
): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  for (const { view, key } of views) {
    const rows = await h.query(`SELECT * FROM ${view}`);
    const byKey = new Map<string, string>();
    for (const row of rows) {
      const id = key.map((k) => String(row[k])).join('|');
      const stable = Object.fromEntries(Object.entries(row).filter(([k]) => !VOLATILE.has(k)));
      byKey.set(id + `#${byKey.has(id) ? byKey.size : ''}`, JSON.stringify(stable));
    }
    out.set(view, byKey);
  }
  return out;
}

async function doubledRows(h: RunnableHarness, views: readonly LatestView[]): Promise<number> {
  let doubled = 0;
  for (const { view, key } of views) {
    const [r] = await h.query(
      `SELECT count(*) - count(DISTINCT (${key.join(', ')})) AS d FROM ${view}`,
    );
    doubled += Number(r?.d ?? 0);
  }
  return doubled;
}

/** Runs the messages until each succeeds (max `maxAttempts`), redelivering with the same run id. */
export async function runUntilSuccess(
  h: RunnableHarness,
  messages: readonly JobMessage[],
  maxAttempts = 6,
): Promise<{ attempts: number; outcomes: string[] }> {
  const outcomes: string[] = [];
  let attempts = 0;
  for (const [i, message] of messages.entries()) {
    for (let attempt = 1; ; attempt++) {
      attempts += 1;
      const summary = await h.run(message, `fault-run-${i}`);
      outcomes.push(summary.outcome);
      if (summary.outcome === 'succeeded') break;
      if (summary.outcome === 'rejected' || attempt >= maxAttempts) {
        throw new Error(
          `${message.job} did not succeed after ${attempt} attempts: ${summary.error}`,
        );
      }
      h.advanceSeconds(summary.retryAfterSeconds ?? 60);
    }
  }
  return { attempts, outcomes };
}

export async function measureScenario(options: {
  collector: string;
  scenario: string;
  views: readonly LatestView[];
  messages: readonly JobMessage[];
  clean: RunnableHarness;
  faulted: RunnableHarness;
  /** Extra deliveries of every message after success (Pub/Sub redelivery). */
  redeliveries?: number;
}): Promise<FaultReport> {
  const { clean, faulted, views, messages } = options;
  const cleanRun = await runUntilSuccess(clean, messages);
  if (cleanRun.attempts !== messages.length) throw new Error('the clean run needed retries');
  const result = await runUntilSuccess(faulted, messages);
  for (let r = 0; r < (options.redeliveries ?? 0); r++) {
    for (const [i, message] of messages.entries()) {
      result.outcomes.push((await faulted.run(message, `fault-run-${i}`)).outcome);
    }
  }
  const expected = await snapshot(clean, views);
  const actual = await snapshot(faulted, views);
  let lost = 0;
  for (const [view, rows] of expected) {
    const got = actual.get(view) ?? new Map<string, string>();
    for (const [key, value] of rows) if (got.get(key) !== value) lost += 1;
  }
  return {
    collector: options.collector,
    scenario: options.scenario,
    attempts: result.attempts,
    outcomes: result.outcomes,
    lost,
    doubled: await doubledRows(faulted, views),
    extraApiCalls: faulted.apiCalls() - clean.apiCalls(),
  };
}

export function formatReports(reports: readonly FaultReport[]): string {
  const lines = [
    'collector | scenario | attempts | lost | doubled | extra API calls',
    '---|---|---|---|---|---',
  ];
  for (const r of reports)
    lines.push(
      `${r.collector} | ${r.scenario} | ${r.attempts} | ${r.lost} | ${r.doubled} | ${r.extraApiCalls}`,
    );
  const lost = reports.reduce((a, r) => a + r.lost, 0);
  const doubled = reports.reduce((a, r) => a + r.doubled, 0);
  lines.push(`TOTAL: ${reports.length} scenarios, ${lost} rows lost, ${doubled} rows doubled`);
  return lines.join('\n');
}

/** A started test harness as the framework drives it (the test harnesses all fit). */
export interface StartedHarness {
  clock: FakeClock;
  run: RunnableHarness['run'];
  query: RunnableHarness['query'];
  close(): Promise<void>;
}

/** Adapts a started harness; `apiCalls` counts the requests its source sandbox received. */
function runnable(h: StartedHarness, apiCalls: () => number): RunnableHarness {
  return {
    run: (m, id) => h.run(m, id),
    query: (sql) => h.query(sql),
    advanceSeconds: (s) => h.clock.advance(s * 1000),
    apiCalls,
    close: () => h.close(),
  };
}

/** One scenario of one collector: how to start its harness, arm the fault, check the rest. */
export interface FaultCase<H extends StartedHarness> {
  title: string;
  collector: string;
  scenario: string;
  views: readonly LatestView[];
  messages: readonly JobMessage[];
  redeliveries?: number | undefined;
  start(): Promise<H>;
  /** Requests the harness's source received (API and token calls, as the collector pays). */
  apiCalls(h: H): number;
  arm(faulted: H): void | Promise<void>;
  /** Checks of this collector beyond "nothing lost, nothing doubled". */
  verify(report: FaultReport, faulted: H): void | Promise<void>;
}

/**
 * A suite with one test per case, each on a fresh clean and a fresh faulted harness: the
 * faulted run must lose and double nothing. The table of reports is printed at the end.
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
      it(c.title, async () => {
        const clean = await c.start();
        const faulted = await c.start();
        try {
          await c.arm(faulted);
          const report = await measureScenario({
            collector: c.collector,
            scenario: c.scenario,
            views: c.views,
            messages: c.messages,
            clean: runnable(clean, () => c.apiCalls(clean)),
            faulted: runnable(faulted, () => c.apiCalls(faulted)),
            ...(c.redeliveries ? { redeliveries: c.redeliveries } : {}),
          });
          reports.push(report);
          expect(report.lost, 'rows lost').to.equal(0);
          expect(report.doubled, 'rows doubled').to.equal(0);
          await c.verify(report, faulted);
        } finally {
          await clean.close();
          await faulted.close();
        }
      });
    }
  });
}
