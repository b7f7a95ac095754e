import { expect } from 'chai';
import fc from 'fast-check';
import { startHarness, type Harness } from '../support/harness.js';
import { catalog } from '../../functions/sources/all.js';

// Seeded, so a failure reproduces: rerun with the printed seed.
const SEED = 20261125;

describe('bad input: fuzzed job messages', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(async () => h.close());

  it('rejects thousands of malformed messages with a reason, never throwing or calling a source', async () => {
    const names = catalog.jobs.map((j) => j.name);
    const message = fc.oneof(
      fc.anything(),
      fc.record(
        { job: fc.oneof(fc.string(), fc.constantFrom(...names)), params: fc.anything() },
        { requiredKeys: [] },
      ),
      fc.record({
        job: fc.constantFrom(...names),
        params: fc.dictionary(
          fc.constantFrom(
            'term',
            'limit',
            'showId',
            'showName',
            'terms',
            'market',
            'from',
            'to',
            'x',
          ),
          fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer())),
        ),
        requestedAt: fc.oneof(fc.string(), fc.constant('2026-11-20T10:00:00Z')),
      }),
    );
    const outcomes: Record<string, number> = {};
    let n = 0;
    await fc.assert(
      fc.asyncProperty(message, async (input) => {
        n += 1;
        const before = h.sandbox.log.length;
        const summary = await h.run(input as never, `fuzz-${n}`);
        outcomes[summary.outcome] = (outcomes[summary.outcome] ?? 0) + 1;
        if (summary.outcome === 'rejected') {
          expect(summary.error).to.be.a('string').and.not.equal('');
          expect(h.sandbox.log.length).to.equal(before);
        }
        return true;
      }),
      { seed: SEED, numRuns: 2000 },
    );
    console.log(
      `      fuzzed job messages: ${n} cases, outcomes ${JSON.stringify(outcomes)}, 0 uncaught errors`,
    );
    expect(outcomes.rejected ?? 0).to.be.greaterThan(1500);
  });
});
