// Deployed functions: each served by the functions-framework CLI in a fresh process (as
// Cloud Functions runs it) and called once (test/support/served-functions.ts): cold start
// (process start → first answer), peak RSS and the project modules the process loaded,
// median of RUNS starts. With FANPULSE_BENCH_BEFORE=<folder of another checkout, built,
// with node_modules> the same calls are measured there too, side by side.
import { functionCalls, serveOnce, type ServedOnce } from '../support/served-functions.js';
import type { BenchModule } from './types.js';

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Measured {
  coldStartMs: number;
  cpuMs: number;
  peakRssMiB: number;
  modules: number;
  /** HTTP status of the first call (200 or 204 when it worked). */
  status: number;
}

/** Every function measured in each root; starts alternate between the roots (fairness). */
async function measure(roots: readonly string[]): Promise<Array<Map<string, Measured>>> {
  const { calls, stop } = await functionCalls();
  const out = roots.map(() => new Map<string, Measured>());
  try {
    for (const call of calls) {
      const runs: ServedOnce[][] = roots.map(() => []);
      for (let i = 0; i < RUNS; i += 1)
        for (const [r, root] of roots.entries()) runs[r]!.push(await serveOnce(call, root));
      for (const [r, served] of runs.entries()) {
        out[r]!.set(call.target, {
          coldStartMs: median(served.map((s) => s.coldStartMs)),
          cpuMs: median(served.map((s) => s.cpuMs)),
          peakRssMiB: median(served.map((s) => s.peakRssMiB)),
          modules: median(served.map((s) => s.modules.length)),
          status: served[0]!.status,
        });
      }
    }
  } finally {
    await stop();
  }
  return out;
}

export const bench: BenchModule = {
  async run() {
    const before = process.env.FANPULSE_BENCH_BEFORE;
    const [after, old = null] = await measure(before ? [process.cwd(), before] : [process.cwd()]);
    if (!after) throw new Error('nothing measured');
    const cell = (m: Measured | undefined) =>
      m
        ? `${m.coldStartMs.toFixed(0)} ms / ${m.cpuMs.toFixed(0)} ms / ${m.peakRssMiB.toFixed(0)} MiB / ${m.modules}`
        : '–';
    const rows = [
      old
        ? '| function (call) | before: cold start / CPU / peak RSS / modules | now: cold start / CPU / peak RSS / modules |'
        : '| function (call) | cold start / CPU / peak RSS / modules |',
      old ? '|---|---|---|' : '|---|---|',
    ];
    const { calls, stop } = await functionCalls();
    await stop();
    for (const call of calls) {
      const now = cell(after.get(call.target));
      rows.push(
        old
          ? `| \`${call.target}\` (${call.what}) | ${cell(old.get(call.target))} | ${now} |`
          : `| \`${call.target}\` (${call.what}) | ${now} |`,
      );
    }
    return {
      title: 'Deployed functions: cold start, memory and modules loaded',
      command: before
        ? 'FANPULSE_BENCH_BEFORE=<built checkout of the older commit> npm run bench -- functions'
        : 'npm run bench -- functions',
      markdown:
        rows.join('\n') +
        `\n\nEach function is started ${RUNS} times (alternating with the older build when one is given) by the functions-framework CLI (local backend: DuckDB file, local raw folder; sandboxes on loopback) and called once; the median is shown. ` +
        'Cold start is from spawning the process to the answer of the first call (the framework’s own start included); CPU is the user + system time the process used by then (from /proc, 10 ms ticks; far less sensitive than wall time to other load on the machine); peak RSS is the process’s VmHWM after the call; modules are the files of the project (`dist/functions`, `dist/schemas`) the process loaded, from a module trace (`node --import`). ' +
        '`npm test` checks in `test/layout/function-modules.test.ts` that none of them belongs to another source or face.',
    };
  },
};
