// Mapping cost: rows/s through map + row validation + serialisation of landed episode
// pages, against a plain JSON.parse + JSON.stringify of the same lines (the floor).
import { spotifyEpisodes } from '../../functions/sources/spotify/podcast-tables.js';
import { QualityCounters } from '../../functions/platform/quality.js';
import { rawLineSchema, type RawLine } from '../../functions/platform/raw-landing.js';
import { showEpisodesMapper } from '../../functions/sources/spotify/podcast-mappers.js';
import { DATA_HACKERS_ID, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import type { BenchModule } from './types.js';

function landedLines(episodes: number): string[] {
  const catalog = new PodcastCatalog({ dataHackersEpisodes: episodes });
  const show = catalog.showById(DATA_HACKERS_ID)!;
  const lines: string[] = [];
  for (let offset = 0; offset < episodes; offset += 50) {
    const items = [];
    for (let i = offset; i < Math.min(episodes, offset + 50); i++)
      items.push(catalog.episode(show, i, 'development'));
    const line: RawLine = {
      source: 'spotify',
      entity: 'show_episodes',
      run_id: 'bench',
      fetched_at: '2026-11-20T10:00:00.000Z',
      request: {
        method: 'GET',
        url: `https://api.spotify.com/v1/shows/${show.id}/episodes?offset=${offset}`,
      },
      status: 200,
      context: { show_id: show.id, market: 'BR', terms: ['Grupo Boticário'] },
      body: { items, limit: 50, offset, total: episodes, next: null },
    };
    lines.push(JSON.stringify(line));
  }
  return lines;
}

function timeIt(work: () => number): { seconds: number; count: number } {
  const started = performance.now();
  const count = work();
  return { seconds: (performance.now() - started) / 1000, count };
}

export const bench: BenchModule = {
  async run() {
    const episodes = 50_000;
    const lines = landedLines(episodes);
    const run = { runId: 'bench', runTime: new Date('2026-11-20T10:00:00Z') };
    const quality = new QualityCounters();
    // The floor: exactly one parse and one stringify per landed line, counting its episodes.
    const floor = (batch: readonly string[]): number => {
      let n = 0;
      for (const l of batch) {
        const o = JSON.parse(l) as { body: { items: unknown[] } };
        JSON.stringify(o);
        n += o.body.items.length;
      }
      return n;
    };
    const mapper = (batch: readonly string[]): number => {
      let n = 0;
      for (const l of batch) {
        const line = rawLineSchema.parse(JSON.parse(l));
        for (const { table, rows } of showEpisodesMapper.map(line, run, quality)) {
          for (const row of rows) {
            table.rowSchema.parse(row);
            JSON.stringify(row);
            if (table === spotifyEpisodes) n += 1;
          }
        }
      }
      return n;
    };
    // Warm both paths once so the JIT has compiled them.
    floor(lines.slice(0, 20));
    mapper(lines.slice(0, 20));
    const plain = timeIt(() => floor(lines));
    const mapped = timeIt(() => mapper(lines));
    const rate = (r: { seconds: number; count: number }) => Math.round(r.count / r.seconds);
    return {
      title: 'Mapping throughput (map + validate + serialise)',
      command: 'npm run bench -- mapping',
      markdown: [
        `${episodes.toLocaleString('en')} episodes in ${lines.length} landed pages; each episode also yields one mention row (term "Grupo Boticário").`,
        '',
        '| path | episodes/s | relative |',
        '|---|---|---|',
        `| JSON.parse + JSON.stringify of the same lines (floor) | ${rate(plain).toLocaleString('en')} | 1.0 |`,
        `| parse + raw-line schema + mapper + row validation + stringify (episodes and mentions) | ${rate(mapped).toLocaleString('en')} | ${(rate(plain) / rate(mapped)).toFixed(1)}× slower |`,
      ].join('\n'),
    };
  },
};
