// The calls benchmark's own arithmetic and coverage (`npm run bench -- calls`): runs per day
// read from cron expressions, calls per day from runs per day, every job of the catalogue
// either measured or said why not, and --write replacing only its own section.
import { expect } from 'chai';
import { defineJob, type JobDefinition } from '../../functions/core/job.js';
import { catalog } from '../../functions/sources/all.js';
import { nextRun, runsPerDay } from '../bench/calls-cron.js';
import type { RunCalls } from '../bench/calls-measure.js';
import {
  meanRun,
  perDay,
  ratio,
  type CollectorResult,
  type ScheduleResult,
} from '../bench/calls-report.js';
import { coverageGaps } from '../bench/calls-sources.js';
import { mergeSection } from '../bench/sections.js';
import { z } from 'zod';

const FRIDAY = new Date('2026-11-20T10:00:00Z');

function run(calls: number, byJob: Record<string, number> = {}): RunCalls {
  const jobs = Object.fromEntries(
    Object.entries(byJob).map(([j, n]) => [j, { jobs: 1, calls: n }]),
  );
  return { calls, tokens: 0, reported: calls, byJob: jobs, seconds: 0 };
}

function job(name: string, source: string, cron?: string): JobDefinition {
  return defineJob({
    name,
    source,
    description: 'test',
    params: z.strictObject({}),
    schedules: cron ? [{ id: name, cron, timeZone: 'UTC', params: {}, description: 'test' }] : [],
    run: async () => undefined,
  });
}

describe('calls benchmark: schedules, per-day arithmetic and coverage', () => {
  it('reads runs per day from cron expressions in their time zone', () => {
    expect(runsPerDay('*/5 * * * *', 'UTC', FRIDAY)).to.equal(288);
    expect(runsPerDay('10 * * * *', 'Etc/UTC', FRIDAY)).to.equal(24);
    expect(runsPerDay('30 6 * * *', 'America/Sao_Paulo', FRIDAY)).to.equal(1);
    expect(runsPerDay('0 4 * * 1-6', 'Asia/Seoul', FRIDAY)).to.be.closeTo(6 / 7, 1e-12);
    expect(runsPerDay('0 4 * * 0', 'Asia/Seoul', FRIDAY)).to.be.closeTo(1 / 7, 1e-12);
    expect(runsPerDay('0 */6 * * *', 'UTC', FRIDAY)).to.equal(4);
    expect(() => runsPerDay('0 0 4 * * *', 'UTC', FRIDAY)).to.throw(/five-field/);
  });

  it('sends the next run when the schedule fires in its own time zone', () => {
    // Friday 19:00 in Seoul: the Monday-to-Saturday 04:00 run is Saturday's, then Monday's.
    const saturday = nextRun('0 4 * * 1-6', 'Asia/Seoul', FRIDAY);
    expect(saturday.toISOString()).to.equal('2026-11-20T19:00:00.000Z');
    expect(nextRun('0 4 * * 1-6', 'Asia/Seoul', saturday).toISOString()).to.equal(
      '2026-11-22T19:00:00.000Z',
    );
    expect(nextRun('*/5 * * * *', 'UTC', FRIDAY).toISOString()).to.equal(
      '2026-11-20T10:05:00.000Z',
    );
  });

  it('weights a weekly full pass as 1/7 of a run per day at its own cost', () => {
    const daily: ScheduleResult = {
      id: 'daily',
      cron: '0 4 * * 1-6',
      timeZone: 'UTC',
      runsPerDay: 6 / 7,
      first: run(1000, { planner: 30, child: 970 }),
      steadyRuns: [run(100, { planner: 0, child: 100 })],
      steady: run(100, { planner: 0, child: 100 }),
    };
    const weekly: ScheduleResult = {
      id: 'weekly',
      cron: '0 4 * * 0',
      timeZone: 'UTC',
      runsPerDay: 1 / 7,
      first: null,
      steadyRuns: [run(970, { child: 970 })],
      steady: run(970, { child: 970 }),
    };
    const c: CollectorResult = {
      job: 'planner',
      tier: null,
      primary: daily,
      schedules: [daily, weekly],
    };
    const day = perDay(c);
    expect(day.steady).to.be.closeTo((6 * 100 + 970) / 7, 1e-9);
    expect(day.firstDay).to.be.closeTo((6 * 100 + 970) / 7 + 900, 1e-9);
    expect(perDay(c, 'planner').firstDay).to.be.closeTo(30, 1e-9);
    expect(perDay(c, 'child').steady).to.be.closeTo((6 * 100 + 970) / 7, 1e-9);
    expect(ratio(1000, 100)).to.equal(0.1);
  });

  it('averages paced runs of one schedule, per job too', () => {
    // Paced runs: most visit nothing, some visit every due tag.
    const mean = meanRun([
      run(0, { hashtags: 0 }),
      run(0, { hashtags: 0 }),
      run(33, { hashtags: 33 }),
    ]);
    expect(mean.calls).to.equal(11);
    expect(mean.byJob.hashtags).to.deep.equal({ jobs: 1, calls: 11 });
    expect(() => meanRun([])).to.throw(/no runs/);
    expect(ratio(0, 0)).to.equal(null);
  });

  it('covers every job of the catalogue: measured, or said why not', () => {
    expect(coverageGaps(catalog)).to.deep.equal([]);
    // A new collector cannot be forgotten: unscheduled and unlisted, or from a source the
    // benchmark has no sandbox for, it is a gap.
    const gaps = coverageGaps({
      jobs: [
        ...catalog.jobs,
        job('spotify.new_collector', 'spotify'),
        job('tiktok.videos', 'tiktok', '0 * * * *'),
      ],
    });
    expect(gaps).to.deep.equal([
      'spotify.new_collector has no schedule and no entry in UNSCHEDULED',
      'tiktok.videos is scheduled but source tiktok has no bench sandbox',
    ]);
    const withoutReplay = catalog.jobs.filter((j) => j.name !== 'platform.replay');
    expect(coverageGaps({ jobs: withoutReplay })).to.deep.equal([
      'UNSCHEDULED lists platform.replay, which the catalogue does not have',
    ]);
  });

  it('--write replaces only its own section of docs/benchmarks.md', () => {
    const doc =
      '# B\n\nheader\n\n## One\n\nold one\n\n## Two\n\nold two\nextra\n\n## Three\n\nthree\n';
    expect(mergeSection(doc, 'Two', '## Two\n\nnew two\n')).to.equal(
      '# B\n\nheader\n\n## One\n\nold one\n\n## Two\n\nnew two\n\n## Three\n\nthree\n',
    );
    expect(mergeSection(doc, 'Three', '## Three\n\n3\n')).to.equal(
      '# B\n\nheader\n\n## One\n\nold one\n\n## Two\n\nold two\nextra\n\n## Three\n\n3\n',
    );
    expect(mergeSection(doc, 'Four', '## Four\n\n4')).to.equal(`${doc}\n## Four\n\n4\n`);
    // A heading that only starts with the title is another section.
    expect(mergeSection(doc, 'On', '## On\n\nx\n')).to.equal(`${doc}\n## On\n\nx\n`);
  });
});
