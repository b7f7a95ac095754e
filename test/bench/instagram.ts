// Instagram collectors: API calls of one simulated day of the default schedules (brands
// hourly, hashtags every 5 minutes, the default accounts and hashtags) against the seed design's pattern
// (every hashtag id looked up on every run), and calls per run against the minimum. The
// sandbox applies no usage pressure here, so the counts are the patterns' own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_ACCOUNTS,
  DEFAULT_HASHTAGS,
  loadInstagramConfig,
} from '../../functions/sources/instagram/config.js';
import { runJobMessage } from '../../functions/core/runner.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { createServices } from '../../functions/platform/runtime.js';
import { FileStateStore } from '../../functions/platform/state.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { DEFAULT_HASHTAG_RATES } from '../sandbox/instagram/activity.js';
import { InstagramSandbox } from '../sandbox/instagram/server.js';
import type { BenchModule } from './types.js';
import { catalog } from '../../functions/sources/all.js';

const TAGS = DEFAULT_HASHTAGS;
/** Posts per hour of a default hashtag; a tag missing from DEFAULT_HASHTAG_RATES is a bench bug. */
function rateOf(tag: string): number {
  const rate = DEFAULT_HASHTAG_RATES[tag];
  if (rate === undefined) throw new Error(`no post rate for default hashtag ${tag}`);
  return rate;
}
// The collectors' own defaults, so the minimums below follow the configuration.
const CONFIG = loadInstagramConfig({});
const OVERLAP_MINUTES = CONFIG.hashtagOverlapSeconds / 60;
/** The older Instagram platform limit: 200 calls per hour per user. */
const PLATFORM_CALLS_PER_HOUR = 200;

/** The params Cloud Scheduler sends for `job` (its only schedule), as deployed. */
function scheduledParams(job: string): Record<string, unknown> {
  const schedules = catalog.schedules().filter((s) => s.job === job);
  if (schedules.length !== 1) throw new Error(`${job}: expected one schedule`);
  return schedules[0]!.params;
}

interface Day {
  brandCalls: number;
  hashtagCalls: number;
  lookups: number;
  runs: { brands: number; hashtags: number; deferred: number; failed: number };
  firstRunCalls: number;
  steadyCallsPerRun: number;
  throttledSeconds: number;
  peakHourCalls: number;
  /** Minutes into the simulated day at which the busiest rolling hour starts. */
  peakHourStartMinute: number;
  rows: number;
  seconds: number;
}

async function simulateDay(seed: boolean): Promise<Day> {
  // The sandbox's feeds hold 2 hours of posts at this instant.
  const clock = new FakeClock('2026-11-20T10:00:00Z');
  const sandbox = new InstagramSandbox({
    now: () => clock.now().getTime(),
    hashtags: Object.fromEntries(TAGS.map((t) => [t, rateOf(t)])),
    // No usage pressure: this measures the calls each pattern makes; the hourly peak is
    // compared with the 200-calls-an-hour platform limit below.
    callsPerHour: 1_000_000,
  });
  await sandbox.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-ig-'));
  const warehouse = await openDuckDbWarehouse(':memory:', catalog.schema);
  const services = createServices({
    env: { ...sandbox.env(), FANPULSE_DATA_DIR: dataDir },
    clock,
    sink: () => undefined,
    overrides: { warehouse },
  });
  const state = new FileStateStore(join(dataDir, 'state'));
  const day: Day = {
    brandCalls: 0,
    hashtagCalls: 0,
    lookups: 0,
    runs: { brands: 0, hashtags: 0, deferred: 0, failed: 0 },
    firstRunCalls: 0,
    steadyCallsPerRun: 0,
    throttledSeconds: 0,
    peakHourCalls: 0,
    peakHourStartMinute: 0,
    rows: 0,
    seconds: 0,
  };
  const started = performance.now();
  const start = clock.now().getTime();
  const steady: number[] = [];
  const perSlot: Array<{ at: number; calls: number }> = [];
  try {
    for (let minute = 0; minute < 24 * 60; minute += 5) {
      const due = start + minute * 60_000;
      if (clock.now().getTime() < due) clock.advance(due - clock.now().getTime());
      const jobs =
        minute % 60 === 0 ? ['instagram.brands', 'instagram.hashtags'] : ['instagram.hashtags'];
      for (const job of jobs) {
        if (seed && job === 'instagram.hashtags') {
          // The seed design kept no ids: every run searched every hashtag again.
          const ids = await state.get('instagram/hashtag-ids', z.unknown());
          if (ids) await state.put('instagram/hashtag-ids', {}, { ifVersion: ids.version });
        }
        const before = sandbox.apiCalls();
        const searches = sandbox.hashtagSearches();
        const sleptBefore = clock.sleeps.reduce((a, b) => a + b, 0);
        const s = await runJobMessage(
          catalog,
          services,
          // The seed design walked every hashtag on every run (no pacing).
          { job, params: seed ? {} : scheduledParams(job) },
          { runId: `${job}-${minute}`, runTime: clock.now() },
        );
        const calls = sandbox.apiCalls() - before;
        perSlot.push({ at: due, calls });
        day.throttledSeconds += (clock.sleeps.reduce((a, b) => a + b, 0) - sleptBefore) / 1000;
        day.rows += Object.values(s.rows).reduce((a, b) => a + b, 0);
        if (s.outcome === 'deferred') day.runs.deferred += 1;
        if (s.outcome === 'failed') day.runs.failed += 1;
        if (job === 'instagram.brands') {
          day.runs.brands += 1;
          day.brandCalls += calls;
        } else {
          day.runs.hashtags += 1;
          day.hashtagCalls += calls;
          day.lookups += sandbox.hashtagSearches() - searches;
          if (minute === 0) day.firstRunCalls = calls;
          else if (s.outcome === 'succeeded') steady.push(calls);
        }
      }
    }
  } finally {
    await warehouse.close();
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  for (const slot of perSlot) {
    const hour = perSlot.filter((p) => p.at >= slot.at && p.at < slot.at + 3600_000);
    const calls = hour.reduce((a, p) => a + p.calls, 0);
    if (calls > day.peakHourCalls) {
      day.peakHourCalls = calls;
      day.peakHourStartMinute = (slot.at - start) / 60_000;
    }
  }
  day.steadyCallsPerRun = steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length);
  day.seconds = (performance.now() - started) / 1000;
  return day;
}

/** Fewest calls of the first run: one lookup per tag, then every post of the feeds' 2 hours (to the page cap). */
function firstRunMinimum(): number {
  return TAGS.reduce(
    (sum, tag) => sum + Math.min(CONFIG.hashtagMaxPages, Math.ceil((rateOf(tag) * 2 + 1) / 50)),
    TAGS.length,
  );
}

/**
 * Fewest recent_media pages per 5-minute run under the paging rule: pages until one lies
 * wholly before the cutoff (the last run's newest post, less the overlap when asked), i.e.
 * ceil(k / 50) + 1 for k posts since the cutoff, and 1 when there are none.
 */
function steadyMinimum(withOverlap: boolean): number {
  const minutes = 5 + (withOverlap ? OVERLAP_MINUTES : 0);
  return TAGS.reduce((sum, tag) => {
    const k = Math.ceil((rateOf(tag) / 60) * minutes);
    return sum + (k === 0 ? 1 : Math.ceil(k / 50) + 1);
  }, 0);
}

/**
 * Expected recent_media pages per 5-minute run of the paced schedule: each tag is visited
 * every `interval` minutes (when POSTS_PER_VISIT posts are expected at its rate, in whole
 * 5-minute runs, at most the longest interval) and costs the steady pages of that interval.
 */
function pacedSteadyMinimum(): number {
  const { maxIntervalMinutes, postsPerVisit } = CONFIG.hashtagPacing;
  return TAGS.reduce((sum, tag) => {
    const due = Math.ceil(((postsPerVisit / rateOf(tag)) * 60) / 5) * 5;
    const interval = Math.min(maxIntervalMinutes, Math.max(5, due));
    const k = Math.ceil((rateOf(tag) / 60) * (interval + OVERLAP_MINUTES));
    return sum + ((k === 0 ? 1 : Math.ceil(k / 50) + 1) * 5) / interval;
  }, 0);
}

/** fanpulse's busiest rolling hour against the platform limit, from the measured day. */
function busiestHour(d: Day): string {
  const at = `${String(Math.floor(d.peakHourStartMinute / 60)).padStart(2, '0')}:${String(d.peakHourStartMinute % 60).padStart(2, '0')}`;
  const over = d.peakHourCalls - PLATFORM_CALLS_PER_HOUR;
  // Only the window starting at minute 0 holds the first hashtag run (the 2-hour backfill).
  const backfill =
    d.peakHourStartMinute === 0
      ? `, which holds the first hashtag run's ${d.firstRunCalls}-call backfill`
      : '';
  const hour = `${d.peakHourCalls} calls in the hour starting at ${at} of the simulated day${backfill}`;
  return over > 0
    ? `fanpulse's own busiest hour (${hour}) exceeds the limit by ${over}.`
    : `fanpulse's own busiest hour (${hour}) stays within the limit.`;
}

export const bench: BenchModule = {
  async run() {
    const ours = await simulateDay(false);
    const seed = await simulateDay(true);
    const total = (d: Day) => d.brandCalls + d.hashtagCalls;
    const row = (name: string, d: Day) =>
      `| ${name} | ${d.runs.brands} / ${d.runs.hashtags} | ${d.brandCalls} | ${d.hashtagCalls} | ${d.lookups} | **${total(d)}** | ${d.peakHourCalls} | ${d.runs.deferred + d.runs.failed} | ${d.seconds.toFixed(1)} |`;
    const lines = [
      `| pattern | runs (brands / hashtags) | brand calls | hashtag calls | of which id lookups | API calls per day | busiest hour (calls; platform limit ${PLATFORM_CALLS_PER_HOUR}) | runs not succeeded | wall time (s) |`,
      '|---|---|---|---|---|---|---|---|---|',
      row('fanpulse (ids kept in the StateStore, paced visits)', ours),
      row('seed design (id lookup and a walk of every hashtag on every run)', seed),
      '',
      '| per run | measured | expected (pages needed) |',
      '|---|---|---|',
      `| instagram.brands (${DEFAULT_ACCOUNTS.length} accounts, ${CONFIG.mediaPages} media page${CONFIG.mediaPages === 1 ? '' : 's'}) | ${(ours.brandCalls / ours.runs.brands).toFixed(1)} | ${DEFAULT_ACCOUNTS.length * CONFIG.mediaPages} |`,
      `| instagram.hashtags, first run (${TAGS.length} lookups + 2 hours of posts, ${CONFIG.hashtagMaxPages}-page cap) | ${ours.firstRunCalls} | ${firstRunMinimum()} |`,
      `| instagram.hashtags, steady state (paced: only the hashtags that are due) | ${ours.steadyCallsPerRun.toFixed(1)} | ${pacedSteadyMinimum().toFixed(1)} (each tag every ${CONFIG.hashtagPacing.postsPerVisit} expected posts, at least every ${CONFIG.hashtagPacing.maxIntervalMinutes} minutes) |`,
      `| seed design, steady state (every hashtag on every run) | ${seed.steadyCallsPerRun.toFixed(1)} | ${steadyMinimum(false) + TAGS.length} (${TAGS.length} lookups + new posts + one wholly older page); ${steadyMinimum(true) + TAGS.length} with the ${OVERLAP_MINUTES}-minute overlap |`,
    ];
    return {
      title: 'Instagram collectors',
      command: 'npm run bench -- instagram',
      markdown:
        lines.join('\n') +
        `\n\nOne simulated day (fake clock, sandbox on loopback) of the default schedules: brands hourly, hashtags every 5 minutes; hashtag activity ${TAGS.map((t) => `${t} ${rateOf(t)}`).join(', ')} posts/hour. ` +
        `The seed design searched all ${TAGS.length} hashtag ids on every run (${seed.lookups.toLocaleString('en')} lookups in ${seed.runs.hashtags} runs, on top of the media pages); fanpulse made ${ours.lookups.toLocaleString('en')}. ` +
        `The busiest rolling hour is compared with the older platform limit of ${PLATFORM_CALLS_PER_HOUR} calls per hour per user: a pattern above it would be throttled (the collector slows down from ${CONFIG.usage.slowdownPercent} % reported usage and defers at ${CONFIG.usage.stopPercent} %). ` +
        `${busiestHour(ours)} ` +
        `Steady-state expectation = Σ over tags of ceil(k / 50) + 1 pages for k posts since the cutoff (1 when k = 0): recent_media is not strictly in time order, so a run stops only at a page that lies wholly before the last run's newest post minus a ${OVERLAP_MINUTES}-minute overlap, or where the pages end; it follows Meta's \`after\` cursor, which is the same value on every page.`,
    };
  },
};
