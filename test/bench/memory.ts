// Memory flat in the size of the work: peak RSS of the collector alone (the Spotify sandbox
// and the Cloud Storage / BigQuery stubs run in memory-stubs.ts, another process) for a
// 1,000- and a 100,000-episode spotify.podcast_episodes run, then for platform.replay of
// what that run landed. Each child runs with exactly the NODE_OPTIONS the deploy manifest
// gives the function that runs the job (the ones Terraform sets), and again without them.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { jobsEntryPoint } from '../../functions/core/source.js';
import { deployFunctions } from '../../functions/deploy/manifest.js';
import { HEAP_POLICY } from '../../functions/deploy/heap.js';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import type { ChildResult } from './memory-child.js';
import type { BenchModule } from './types.js';

const exec = promisify(execFile);
const NODE = join(process.cwd(), 'node_modules/.bin/node');
const SIZES = [1000, 100_000] as const;

type Path = 'gcp' | 'local';

/** Which NODE_OPTIONS a child runs with, given the source whose function runs its job. */
interface Variant {
  label: (source: string) => string;
  options: (source: string) => string;
}

const DEPLOYED: Variant = {
  label: (source) => `\`${deployedOptions(source)}\` (deployed)`,
  options: (source) => deployedOptions(source),
};
/** The young-generation cap alone: what the old-space cap adds, and what it costs. */
const SEMI_ONLY: Variant = {
  label: () => `\`${semiSpaceOnly()}\` only`,
  options: () => semiSpaceOnly(),
};
const NONE: Variant = { label: () => 'none (V8 defaults)', options: () => '' };
interface Measured {
  episodes: ChildResult;
  replay: ChildResult;
}

/** Deliveries one Spotify function instance serves at once (its Terraform concurrency). */
const SIDE_BY_SIDE = 4;

/** The NODE_OPTIONS Terraform gives the function that runs `source`'s jobs. */
function deployedOptions(source: string): string {
  const f = deployFunctions().find((d) => d.entryPoint === jobsEntryPoint(source));
  if (!f?.nodeOptions) throw new Error(`no NODE_OPTIONS for ${jobsEntryPoint(source)}`);
  return f.nodeOptions;
}

function semiSpaceOnly(): string {
  return `--max-semi-space-size=${HEAP_POLICY.semiSpaceMiB}`;
}

async function child(
  path: Path,
  message: unknown,
  nodeOptions: string,
  env: Record<string, string>,
): Promise<ChildResult> {
  const { stdout } = await exec(
    NODE,
    [join(process.cwd(), 'dist/test/bench/memory-child.js'), path, JSON.stringify(message)],
    {
      // Exactly these options: nothing inherited from the shell that runs the benchmark.
      env: { ...process.env, ...env, NODE_OPTIONS: nodeOptions },
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

/**
 * A collection of `episodes` then its replay, against a fresh stubs process; with `runs`
 * above 1, that many collections side by side in one child and no replay.
 */
async function measure(
  path: Path,
  episodes: number,
  variant: Variant,
  runs = 1,
): Promise<Measured> {
  const stubs = spawn(
    NODE,
    [join(process.cwd(), 'dist/test/bench/memory-stubs.js'), String(episodes)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: stubs.stdout })[Symbol.asyncIterator]();
  const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-memory-'));
  try {
    const endpoints = (await lines.next()).value as string | undefined;
    if (!endpoints) throw new Error('the stubs process did not start');
    const collect = { job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } };
    const env = { FANPULSE_BENCH_ENDPOINTS: endpoints, FANPULSE_DATA_DIR: dataDir };
    if (runs > 1) {
      const together = await child(path, collect, variant.options('spotify'), {
        ...env,
        FANPULSE_BENCH_RUNS: String(runs),
      });
      return { episodes: together, replay: together };
    }
    const replay = { job: 'platform.replay', params: { from: '2026-11-20', to: '2026-11-20' } };
    const result = {
      episodes: await child(path, collect, variant.options('spotify'), env),
      replay: await child(path, replay, variant.options('platform'), env),
    };
    for (const [what, r] of Object.entries(result))
      if (r.rows < episodes)
        throw new Error(`${what} of ${episodes} episodes wrote ${r.rows} rows`);
    return result;
  } finally {
    stubs.stdin.end();
    await new Promise((resolve) => stubs.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const mib = (x: number) => x.toFixed(0);
const pathLabel = (path: Path) =>
  path === 'gcp' ? 'cloud adapters (GCS + BigQuery clients → stubs)' : 'local folder + DuckDB file';

export const bench: BenchModule = {
  async run() {
    const lines = [
      '| path | NODE_OPTIONS | job | peak RSS 1k (MiB) | peak RSS 100k (MiB) | ratio 100k / 1k | rows/s 100k | CPU s 100k |',
      '|---|---|---|---:|---:|---:|---:|---:|',
    ];
    const summary: string[] = [];
    const plan: Array<[Path, Variant[]]> = [
      ['gcp', [DEPLOYED, SEMI_ONLY, NONE]],
      ['local', [DEPLOYED, NONE]],
    ];
    for (const [path, variants] of plan) {
      const cpu = new Map<Variant, ChildResult>();
      for (const variant of variants) {
        const [small, large] = [
          await measure(path, SIZES[0], variant),
          await measure(path, SIZES[1], variant),
        ];
        cpu.set(variant, large.episodes);
        for (const job of ['episodes', 'replay'] as const) {
          const ratio = large[job].peakRssMiB / small[job].peakRssMiB;
          const name = job === 'episodes' ? 'spotify.podcast_episodes' : 'platform.replay';
          const options = variant.label(job === 'episodes' ? 'spotify' : 'platform');
          lines.push(
            `| ${pathLabel(path)} | ${options} | ${name} | ${mib(small[job].peakRssMiB)} | ${mib(large[job].peakRssMiB)} | ${ratio.toFixed(2)} | ${Math.round(large[job].rowsPerSecond)} | ${large[job].cpuSeconds.toFixed(1)} |`,
          );
          if (path === 'gcp' && variant === DEPLOYED && job === 'episodes')
            summary.push(
              `Deployed path, spotify.podcast_episodes: 100k / 1k peak RSS = ${ratio.toFixed(2)} (target ≤ 1.30: ${ratio <= 1.3 ? 'met' : 'NOT met'}).`,
            );
        }
      }
      if (path === 'gcp') {
        const one = cpu.get(DEPLOYED)!;
        const many = (await measure(path, SIZES[1], DEPLOYED, SIDE_BY_SIDE)).episodes;
        lines.push(
          `| ${pathLabel(path)} | ${DEPLOYED.label('spotify')} | ${SIDE_BY_SIDE} × spotify.podcast_episodes side by side in one process | – | ${mib(many.peakRssMiB)} | ${(many.peakRssMiB / one.peakRssMiB).toFixed(2)} × one run | ${Math.round(many.rowsPerSecond)} | ${many.cpuSeconds.toFixed(1)} |`,
        );
      }
      const flagged = cpu.get(DEPLOYED)!.cpuSeconds;
      const bare = cpu.get(NONE)!.cpuSeconds;
      const rows = cpu.get(DEPLOYED)!.rows;
      summary.push(
        `CPU cost of the deployed flags, ${path} path, 100k episodes: ${flagged.toFixed(1)} s vs ${bare.toFixed(1)} s without (${(((flagged - bare) / bare) * 100).toFixed(0)} %, ${(((flagged - bare) / rows) * 1e6).toFixed(0)} µs per row written).`,
      );
    }
    return {
      title: 'Memory: the collector alone, 1,000 vs 100,000 episodes',
      command: 'npm run bench -- memory',
      markdown: [
        ...lines,
        '',
        ...summary.flatMap((line) => [line, '']),
        'Each row is two fresh child processes per size (the collection, then platform.replay of the raw objects it landed: one show object and one 100,000-episode show_episodes object), started with exactly the NODE_OPTIONS the deploy manifest gives the function that runs the job (functions/deploy/heap.ts; Terraform sets the same ones, test/terraform/heap.test.ts), then (cloud path) with the semi-space cap alone, then with none. ' +
          `The side-by-side row runs ${SIDE_BY_SIDE} collections of 100,000 episodes at once in one process, as one instance of the Spotify function serves ${SIDE_BY_SIDE} deliveries (its ratio is to one such run). ` +
          `The flags cap V8's old space at ${HEAP_POLICY.oldSpacePercent} % of the function's memory and its semi-space at ${HEAP_POLICY.semiSpaceMiB} MiB. ` +
          'The Spotify sandbox and the Cloud Storage / BigQuery stubs (which keep every object and row) run in another process, so peak RSS is the collector’s. ' +
          'rows/s is wall time on a shared machine; CPU s (user + system of the child) is the steadier measure of what the flags cost. ' +
          "Without flags V8 sizes its heap from this machine's RAM; in a function's container it would size it from the container's memory.",
      ].join('\n'),
    };
  },
};
