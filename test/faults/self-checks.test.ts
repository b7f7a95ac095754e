// The fault suite's own power: each check plants a bug the suite exists to catch in the
// faulted harness only, runs a scenario of the suite as it is, and asserts the suite's
// measure sees it. If one of these passes the bug, the suite could not have failed for it.
import { expect } from 'chai';
import { z } from 'zod';
import type { RunSummary } from '../../functions/core/runner.js';
import { randomInsertIds, rawStoreLandingTwice } from './failing-stores.js';
import { withCase, type FaultCase, type StartedHarness } from './framework.js';
import { instagramFaultCases } from './instagram-cases.js';
import { spotifyFaultCases } from './spotify-cases.js';

function scenario<H extends StartedHarness>(
  cases: Array<FaultCase<H>>,
  title: string,
): FaultCase<H> {
  const found = cases.find((c) => c.title === title);
  if (!found) throw new Error(`no fault scenario "${title}"`);
  return found;
}

/** The case with `plant` applied to its faulted harness after the scenario's own fault. */
function planted<H extends StartedHarness>(
  c: FaultCase<H>,
  plant: (h: H) => void | Promise<void>,
): FaultCase<H> {
  return {
    ...c,
    arm: async (h) => {
      await c.arm(h);
      await plant(h);
    },
  };
}

describe('fault suite: self-checks of its power', function () {
  this.timeout(120_000);

  it('sees the doubles random insertIds leave when a failed run is redelivered', async () => {
    const c = planted(
      scenario(spotifyFaultCases(), 'spotify podcasts: HTTP 503 beyond the retry limit'),
      async (h) => {
        const inner = await h.services.warehouse();
        const random = randomInsertIds(inner);
        h.services.warehouse = async () => random;
      },
    );
    await withCase(c, (report) => {
      expect(report.parts.base.doubled, JSON.stringify(report.parts)).to.be.greaterThan(0);
    });
  });

  it('sees the losses when a failed run is marked completed (Instagram, same run ids)', async () => {
    const c = planted(scenario(instagramFaultCases(), 'HTTP 503 beyond the retry limit'), (h) => {
      const run = h.run.bind(h);
      h.run = async (message, runId, runTime): Promise<RunSummary> => {
        const summary = await run(message, runId, runTime);
        if (summary.outcome !== 'succeeded' && runId) {
          // The bug: the completion marker written although the run failed.
          const state = await h.services.state();
          await state.put(
            `runs/${runId}`,
            { job: summary.job, completedAt: h.clock.now().toISOString() },
            { ifVersion: (await state.get(`runs/${runId}`, z.unknown()))?.version ?? null },
          );
        }
        return summary;
      };
    });
    await withCase(c, (report) => {
      expect(report.lost, JSON.stringify(report.parts)).to.be.greaterThan(0);
    });
  });

  it('sees a Retry-After ignored (the client waits its own short backoff instead)', async () => {
    const c = planted(
      scenario(spotifyFaultCases(), 'spotify podcasts: 429 Retry-After 3 s'),
      (h) => {
        const sleep = h.clock.sleep.bind(h.clock);
        h.clock.sleep = (ms: number) => sleep(Math.min(ms, 200));
      },
    );
    await withCase(c, (report) => {
      expect(report.shortWaits).to.be.greaterThan(0);
    });
  });

  it('sees raw answers landed twice in two segments of one run', async () => {
    const c = planted(
      scenario(spotifyFaultCases(), 'spotify catalogue: Pub/Sub redelivery ×3'),
      async (h) => {
        const twice = rawStoreLandingTwice(await h.services.rawStore());
        h.services.rawStore = async () => twice;
      },
    );
    await withCase(c, (report) => {
      expect(report.parts.raw.doubled, JSON.stringify(report.parts.raw)).to.be.greaterThan(0);
    });
  });
});
