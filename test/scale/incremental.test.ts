// Incremental catalogue: the second daily run over an unchanged catalogue lists albums (cheap)
// and looks up none of them; a full refresh (param `full`) looks everything up again.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseParamArgs } from '../../functions/cli/args.js';
import { runLocally } from '../../functions/core/local-runner.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { MemoryQueue } from '../../functions/platform/queue.js';
import { createServices } from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { catalog } from '../../functions/sources/all.js';
import { artistCatalogParams } from '../../functions/sources/spotify/artist-catalog-ref.js';
import { DEFAULT_WATCHLIST } from '../../functions/sources/spotify/watchlist.js';
import { installCatalogue } from '../sandbox/spotify/catalogue.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { SpotifySandbox } from '../sandbox/spotify/server.js';
import { assertNoViolations } from '../support/harness.js';

describe('incremental catalogue collection', function () {
  this.timeout(120_000);

  it('a second run over unchanged data costs at most 15 % of the first; full refreshes everything', async () => {
    const clock = new FakeClock();
    const sandbox = new SpotifySandbox({ tier: 'development', now: () => clock.now().getTime() });
    installCatalogue(sandbox, syntheticCatalogue({ artists: 200 }));
    await sandbox.start();
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-incremental-'));
    const warehouse = await openDuckDbWarehouse(':memory:', catalog.schema);
    const services = createServices({
      env: { ...sandbox.env(), SPOTIFY_MARKET: 'KR', FANPULSE_DATA_DIR: dataDir },
      clock,
      sink: () => undefined,
      overrides: { warehouse, queue: new MemoryQueue() },
    });
    const api = () => sandbox.log.filter((r) => r.path.startsWith('/v1/')).length;
    const run = async (runId: string, full = false) => {
      const before = api();
      const summaries = await runLocally(
        catalog,
        services,
        {
          job: 'spotify.artist_catalog',
          params: { artists: DEFAULT_WATCHLIST.slice(0, 5), maxAlbumsPerArtist: 100, full },
        },
        { runId },
      );
      expect(summaries.filter((s) => s.outcome !== 'succeeded')).to.deep.equal([]);
      return api() - before;
    };
    try {
      const first = await run('day-1');
      clock.advance(24 * 3600_000);
      const second = await run('day-2');
      clock.advance(24 * 3600_000);
      const full = await run('day-3', true);
      console.log(
        `    catalogue, 5 artists: first run ${first} API calls, second (unchanged) ${second} (${((100 * second) / first).toFixed(1)} %), full refresh ${full}`,
      );
      expect(second).to.be.at.most(first * 0.15);
      // The full refresh looks every album up again (no name searches: resolutions are cached).
      expect(full).to.be.greaterThan(first * 0.8);
      const [albums] = await warehouse.query(
        'SELECT count(DISTINCT album_id) AS n FROM spotify_albums',
      );
      expect(Number(albums?.n)).to.be.greaterThan(0);
      assertNoViolations(sandbox);
    } finally {
      await services.close().catch(() => undefined);
      await warehouse.close().catch(() => undefined);
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('`--full true` on the command line asks for a full refresh', () => {
    const params = parseParamArgs(['--full', 'true', '--max-artists', '3']);
    expect(artistCatalogParams.parse(params)).to.deep.include({ full: true, maxArtists: 3 });
    expect(artistCatalogParams.parse(parseParamArgs([])).full).to.equal(false);
  });
});
