// A local warehouse (DuckDB file in a data folder) filled by the real catalogue jobs against
// a Spotify sandbox, for the CLI test and the benchmark, which run the chatbot in another
// process. The jobs run in a child process (this file run directly) because a DuckDB file
// stays locked by the process that opened it until that process exits; the sandbox runs
// here and keeps running so the chatbot process can search live.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runLocally } from '../../functions/core/local-runner.js';
import { createServices } from '../../functions/platform/runtime.js';
import { installCatalogue, type Catalogue } from '../sandbox/spotify/catalogue.js';
import { SpotifySandbox } from '../sandbox/spotify/server.js';
import { catalog } from '../../functions/sources/all.js';

const exec = promisify(execFile);

export interface FilledWarehouse {
  sandbox: SpotifySandbox;
  dataDir: string;
  /** Environment for a process that should use this warehouse and sandbox. */
  env: Record<string, string>;
}

/**
 * `snapshot: true` also runs spotify.chatbot_index after the catalogue, as the schedule does
 * in the cloud, so a chatbot process starts from the prebuilt index.
 */
export async function fillWarehouse(
  catalogue: Catalogue,
  artists: readonly unknown[],
  params: Record<string, unknown> = {},
  { snapshot = false }: { snapshot?: boolean } = {},
): Promise<FilledWarehouse> {
  const sandbox = new SpotifySandbox({ tier: 'development' });
  installCatalogue(sandbox, catalogue);
  await sandbox.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-chatbot-'));
  const env = {
    ...sandbox.env(),
    SPOTIFY_MARKET: 'KR',
    FANPULSE_DATA_DIR: dataDir,
    FANPULSE_LOG_LEVEL: 'ERROR',
  };
  await exec(
    join(process.cwd(), 'node_modules/.bin/node'),
    [
      join(process.cwd(), 'dist/test/chatbot/warehouse-file.js'),
      JSON.stringify({ artists, ...params }),
      String(snapshot),
    ],
    { env: { ...process.env, ...env }, maxBuffer: 1 << 20 },
  );
  return { sandbox, dataDir, env };
}

async function child(paramsJson: string, snapshot: boolean): Promise<void> {
  const services = createServices({ sink: () => undefined, schema: catalog.schema });
  try {
    const runs = await runLocally(
      catalog,
      services,
      { job: 'spotify.artist_catalog', params: JSON.parse(paramsJson) as Record<string, unknown> },
      { drain: true },
    );
    const failed = runs.filter((r) => r.outcome !== 'succeeded');
    if (failed.length > 0) throw new Error(`catalogue jobs failed: ${JSON.stringify(failed[0])}`);
    if (snapshot) {
      const [run] = await runLocally(catalog, services, {
        job: 'spotify.chatbot_index',
        params: {},
      });
      if (run?.outcome !== 'succeeded') throw new Error(`index job failed: ${JSON.stringify(run)}`);
    }
  } finally {
    await services.close();
  }
}

if (process.argv[1]?.endsWith('warehouse-file.js') && process.argv[2]) {
  child(process.argv[2], process.argv[3] === 'true').catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
