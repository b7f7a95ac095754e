// Chatbot: the `chatbot` function served by the functions-framework CLI in its own process,
// over loopback, answering from a warehouse the catalogue jobs filled (30 watched artists
// of the synthetic catalogue). Measures cold start (process start to first answer, the
// index build included), latency percentiles for known artists at a fixed 200 requests/s
// (open loop: requests leave on schedule whether or not earlier ones returned), and the
// worst case for unknown artists while the live Spotify search hangs.
import { readFile, rm } from 'node:fs/promises';
import { DEFAULT_WATCHLIST } from '../../functions/sources/spotify/watchlist.js';
import { kakaoBody } from '../chatbot/support.js';
import { fillWarehouse } from '../chatbot/warehouse-file.js';
import { syntheticCatalogue } from '../sandbox/spotify/catalogue-synthetic.js';
import { startFunction, type FunctionProcess } from '../support/function-process.js';
import { freeLoopbackPort } from '../support/pubsub-emulator.js';
import { percentile } from './stats.js';
import type { BenchModule } from './types.js';

const RATE = 200;
const SECONDS = 10;
const BUDGET_MS = 2500;
const KEY = 'bench-skill-key';

async function ask(
  base: string,
  text: string,
): Promise<{ ms: number; status: number; body: string }> {
  const started = performance.now();
  const res = await fetch(`${base}/kakao`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fanpulse-skill-key': KEY },
    body: JSON.stringify(kakaoBody({ artistName: text })),
  });
  const body = await res.text();
  return { ms: performance.now() - started, status: res.status, body };
}

async function peakRssMiB(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

export const bench: BenchModule = {
  async run() {
    const fillStarted = performance.now();
    const w = await fillWarehouse(syntheticCatalogue({ artists: 2000 }), DEFAULT_WATCHLIST, {
      maxAlbumsPerArtist: 20,
    });
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const port = await freeLoopbackPort();
    const base = `http://127.0.0.1:${port}`;
    let server: FunctionProcess | undefined;
    try {
      const started = performance.now();
      // Checks every 5 ms for "Serving function" so the cold start stays fine-grained.
      server = await startFunction(
        'chatbot',
        port,
        {
          ...w.env,
          KAKAO_SKILL_SECRET: KEY,
          CHATBOT_LIVE_SEARCH_BUDGET_MS: String(BUDGET_MS),
          FANPULSE_LOG_LEVEL: 'WARNING',
        },
        'http',
        { pollMs: 5 },
      );
      const first = await ask(base, 'BTS');
      const coldStartMs = performance.now() - started;
      if (first.status !== 200 || !first.body.includes('"basicCard"'))
        throw new Error(`known artist not answered from the index: ${first.status} ${first.body}`);

      // Known artists at a fixed rate.
      const names = DEFAULT_WATCHLIST;
      const total = RATE * SECONDS;
      const t0 = performance.now();
      const pending: Array<Promise<{ ms: number; status: number; body: string }>> = [];
      for (let i = 0; i < total; i += 1) {
        const due = t0 + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(
          ask(base, names[i % names.length]!).catch(() => ({ ms: NaN, status: 0, body: '' })),
        );
      }
      const results = await Promise.all(pending);
      const elapsed = (performance.now() - t0) / 1000;
      const ok = results.filter((r) => r.status === 200 && r.body.includes('"basicCard"'));
      const lat = ok.map((r) => r.ms).sort((a, b) => a - b);

      // Unknown artists while Spotify search hangs for 10 s.
      w.sandbox.inject({
        path: '/v1/search',
        delayMs: 10_000,
        times: 1000,
        answer: { status: 503 },
      });
      const slow = await Promise.all(
        Array.from({ length: 20 }, (_, i) => ask(base, `Unknown Artist ${i}`)),
      );
      const slowMax = Math.max(...slow.map((r) => r.ms));
      const slowFriendly = slow.filter(
        (r) => r.status === 200 && r.body.includes('simpleText'),
      ).length;
      const rss = await peakRssMiB(server.pid);
      w.sandbox.clearFaults();

      const rows = [
        '| measure | value |',
        '|---|---|',
        `| cold start: process start → first answer (index of ${names.length} watched artists built on the first request) | ${coldStartMs.toFixed(0)} ms |`,
        `| known artists at ${RATE} req/s for ${SECONDS} s: answered | ${ok.length} / ${total} in ${elapsed.toFixed(1)} s |`,
        `| known artists: p50 / p99 / max latency | ${percentile(lat, 50).toFixed(1)} / ${percentile(lat, 99).toFixed(1)} / ${(lat.at(-1) ?? NaN).toFixed(1)} ms |`,
        `| unknown artist while search hangs (budget ${BUDGET_MS} ms), 20 concurrent: worst latency | ${slowMax.toFixed(0)} ms (${slowFriendly}/20 friendly "taking longer" texts) |`,
        `| server peak RSS | ${rss.toFixed(0)} MiB |`,
      ];
      return {
        title: 'Chatbot (functions-framework over loopback)',
        command: 'npm run bench -- chatbot',
        markdown:
          rows.join('\n') +
          `\n\nThe warehouse (DuckDB file) is filled first by the catalogue jobs (${fillSeconds.toFixed(1)} s, not counted). ` +
          'Kakao skill requests with the shared key; answers for known artists come from the in-memory index (no warehouse query). ' +
          'The lower bound for an unknown artist with a hanging search is the search budget: the answer must not wait longer, and stays under the 4.5 s target.',
      };
    } finally {
      await server?.stop();
      await w.sandbox.stop();
      await rm(w.dataDir, { recursive: true, force: true });
    }
  },
};
