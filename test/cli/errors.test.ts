// Every CLI failure is one line that says what to fix, with a non-zero exit and no stack,
// and bad values are refused before anything runs (no warehouse created, no emulator started).
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { catalog } from '../../functions/sources/all.js';
import { cli, lines, type CliResult } from './support.js';

function expectOneLine(result: CliResult, pattern: RegExp): void {
  const out = lines(result.stderr);
  expect(result.code, result.stderr).to.be.greaterThan(0);
  expect(out, result.stderr).to.have.length(1);
  expect(out[0]).to.match(/^fanpulse: /);
  expect(out[0]).to.match(pattern);
  expect(result.stderr).not.to.match(/^\s+at /m);
}

describe('CLI: one-line errors', function () {
  this.timeout(60_000);
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanpulse-cli-'));
    env = { FANPULSE_DATA_DIR: dir };
    const warehouse = await openDuckDbWarehouse(join(dir, 'warehouse.duckdb'), catalog.schema);
    await warehouse.query('SELECT 1');
    await warehouse.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses each of the reported mistakes with one line that says what to fix', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['query', 'SELEC 1'], /SQL: Parser Error: syntax error at or near "SELEC"/],
      [['query', ''], /give the SQL to run/],
      [['chat', '--platform', 'telegram', 'bts'], /--platform must be kakao or messenger/],
      [
        ['publish', 'spotify.podcast_shows', '--not-before', 'tomorrow'],
        /--not-before must be an ISO 8601 time/,
      ],
      [
        ['replay', '--from', '2026-01-01', '--to', '2026-01-02', '--source', 'spotfy'],
        /--source must be one of .*spotify.*\(did you mean spotify\?\)/,
      ],
      [
        ['replay', '--from', '2026-13-01', '--to', '2026-13-02'],
        /--from must be a calendar day YYYY-MM-DD, not "2026-13-01"/,
      ],
      [
        ['replay', '--from', '2026-01-02', '--to', '2026-01-01'],
        /--from 2026-01-02 is after --to 2026-01-01/,
      ],
      [
        ['replay', '--from', '2026-01-01', '--to', '2026-01-02', '--entity', 'nosuch'],
        /--entity must be one of .*show_episodes/,
      ],
      [['job', 'spotify.podcast_shows', '--term'], /--term needs a value/],
      [['job', 'no.such_job'], /unknown job "no.such_job"; `fanpulse jobs` lists them/],
      [['job', 'spotify.podcast_shwos'], /did you mean spotify.podcast_shows\?/],
      [
        ['job', 'spotify.podcast_shows', '--trm', 'x'],
        /no parameter --trm \(did you mean --term\?\)/,
      ],
      [['job', 'spotify.podcast_shows', '--limit', '5000'], /--limit: Too big/],
      [['replay', '--from'], /option '--from <date>' argument missing/],
      [['nosuch'], /unknown command 'nosuch'/],
    ];
    // A few at a time: the other test worker shares the two cores.
    const limit = pLimit(4);
    const results = await Promise.all(cases.map(([args]) => limit(() => cli(args, env))));
    cases.forEach(([args, pattern], i) => {
      const result = results[i]!;
      expect(result.code, args.join(' ')).to.equal(2);
      expectOneLine(result, pattern);
    });
  });

  it('prints the stack too at FANPULSE_LOG_LEVEL=DEBUG', async () => {
    const result = await cli(['job', 'spotify.podcast_shows', '--term'], {
      ...env,
      FANPULSE_LOG_LEVEL: 'DEBUG',
    });
    expect(result.code).to.equal(2);
    expect(lines(result.stderr)[0]).to.match(/^fanpulse: --term needs a value/);
    expect(result.stderr).to.match(/^\s+at /m);
  });

  for (const args of [
    ['query', 'SELECT 1'],
    ['chat', '--offline', 'bts'],
  ]) {
    it(`\`${args[0]}\` refuses a missing data folder instead of creating an empty warehouse`, async () => {
      const missing = join(dir, 'no', 'such', args[0]!);
      const result = await cli(args, { FANPULSE_DATA_DIR: missing });
      expectOneLine(result, /no warehouse at .*warehouse\.duckdb: run a job first/);
      expect(existsSync(missing)).to.equal(false);
    });
  }

  it('explains the DuckDB lock held by another process', async () => {
    const locked = await mkdtemp(join(tmpdir(), 'fanpulse-cli-lock-'));
    const holder = await openDuckDbWarehouse(join(locked, 'warehouse.duckdb'), catalog.schema);
    try {
      await holder.query('SELECT 1');
      const result = await cli(['query', 'SELECT 1'], { FANPULSE_DATA_DIR: locked });
      expectOneLine(result, /is open in another process \(PID \d+\): stop `npm run dev`/);
    } finally {
      await holder.close();
      await rm(locked, { recursive: true, force: true });
    }
  });

  it('`publish` fails at once when no emulator answers', async () => {
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    await new Promise((ok) => server.close(ok));
    const started = Date.now();
    const result = await cli(['publish', 'spotify.podcast_shows'], {
      PUBSUB_EMULATOR_HOST: `127.0.0.1:${port}`,
    });
    expectOneLine(result, /nothing answers at PUBSUB_EMULATOR_HOST=.*is `npm run dev` running\?/);
    expect(Date.now() - started).to.be.lessThan(15_000);
  });

  it('`dev` refuses a taken port before starting the emulator', async () => {
    const server: Server = createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await cli(['dev', '--port', String(port), '--emulator-port', '1'], env);
      // Port 1 cannot be bound by a user either: whichever is checked first is named.
      expectOneLine(result, /port (\d+) \(for .*\) is in use/);
      expect(result.stderr).not.to.match(/starting the Pub\/Sub emulator/);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });

  it('reads .env from the working folder; variables already set win', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'fanpulse-cli-env-'));
    try {
      await writeFile(
        join(cwd, '.env'),
        `FANPULSE_DATA_DIR=${join(cwd, 'from-dotenv')}\nFANPULSE_BQ_DATASET=bad-name\n`,
      );
      const result = await cli(
        ['query', 'SELECT 1'],
        { FANPULSE_DATA_DIR: undefined, FANPULSE_BQ_DATASET: 'fine' },
        cwd,
      );
      expectOneLine(result, /no warehouse at .*from-dotenv/);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
