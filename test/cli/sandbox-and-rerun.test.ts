// `npm run sandbox` serves every API sandbox and prints the exports that point the CLI at
// them; the README's job example then runs offline, and `--run-id` reruns it into the same
// raw objects.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunSummary } from '../../functions/core/runner.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cli, NODE } from './support.js';

async function rawFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, 'raw'), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dataDir, join(e.parentPath, e.name)))
    .sort();
}

describe('CLI: npm run sandbox, the README example offline, --run-id', function () {
  this.timeout(120_000);
  let sandbox: ChildProcess;
  let dataDir: string;
  const env: Record<string, string> = {};

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-sandbox-'));
    sandbox = spawn(NODE, ['dist/test/sandbox/serve.js'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      sandbox.stderr!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ctrl-C stops the sandboxes')) resolve();
      });
      sandbox.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      sandbox.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
    });
    for (const m of out.matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
  });
  after(async () => {
    if (sandbox?.exitCode === null) {
      const exited = new Promise((ok) => sandbox.once('exit', ok));
      sandbox.kill('SIGINT');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints loopback exports for Spotify, Instagram and Messenger', () => {
    expect(env.SPOTIFY_API_BASE_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1\/$/);
    expect(env.INSTAGRAM_GRAPH_BASE_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.MESSENGER_GRAPH_BASE_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(env).to.include.keys('SPOTIFY_CLIENT_ID', 'INSTAGRAM_ACCESS_TOKEN', 'SPOTIFY_MARKET');
  });

  it('runs the README job example against it, and --run-id rewrites the same raw objects', async () => {
    const runEnv = { ...env, FANPULSE_DATA_DIR: dataDir };
    const args = [
      'job',
      'spotify.podcast_episodes',
      '--show-name',
      'Data Hackers',
      '--terms',
      'Grupo Boticário',
      '--json',
    ];
    const first = await cli(args, runEnv);
    expect(first.code, first.stderr).to.equal(0);
    const [summary] = JSON.parse(first.stdout) as RunSummary[];
    expect(summary!.outcome).to.equal('succeeded');
    expect(summary!.rows.spotify_episode_mentions).to.be.greaterThan(0);
    expect(first.stderr).to.match(/SUCCEEDED spotify\.podcast_episodes run /);
    const before = await rawFiles(dataDir);
    expect(before).to.have.length(2);

    const rerun = await cli([...args, '--run-id', summary!.runId], runEnv);
    expect(rerun.code, rerun.stderr).to.equal(0);
    expect(await rawFiles(dataDir)).to.deep.equal(before);
    const runs = await cli(
      ['query', `SELECT count(DISTINCT collected_at) AS n FROM job_runs`, '--json'],
      runEnv,
    );
    expect(JSON.parse(runs.stdout)).to.deep.equal({ n: 1 });
  });

  it("`npm run demo` (the README's second command) runs to its end", async () => {
    const demoDir = await mkdtemp(join(tmpdir(), 'fanpulse-demo-'));
    try {
      const { stdout } = await promisify(execFile)(NODE, ['dist/test/sandbox/demo.js'], {
        env: { ...process.env, FANPULSE_DATA_DIR: demoDir },
        maxBuffer: 1 << 22,
      });
      expect(stdout).to.match(/SUCCEEDED spotify\.podcast_episodes/);
      expect(stdout).to.match(/Chatbot, asked "bts"/);
    } finally {
      await rm(demoDir, { recursive: true, force: true });
    }
  });
});
