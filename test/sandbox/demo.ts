// `npm run demo`: starts the Spotify sandbox on a loopback port, runs the podcast jobs
// against it into the local raw folder and DuckDB (FANPULSE_DATA_DIR, default .fanpulse),
// then shows what landed and an example query; then collects a few artists' catalogues and
// asks the chatbot about one of them. No cloud account, no network.
import type { Timer } from '../../functions/faces/chatbot/engine.js';
import { createChatRuntime } from '../../functions/faces/chatbot/runtime.js';
import type { Services } from '../../functions/platform/runtime.js';
import { runLocally } from '../../functions/core/local-runner.js';
import { createServices } from '../../functions/platform/runtime.js';
import { describeCliError } from '../../functions/cli/errors.js';
import { formatTable } from '../../functions/cli/format.js';
import { installPodcasts, PodcastCatalog } from './spotify/podcasts.js';
import { SpotifySandbox } from './spotify/server.js';
import { installCatalogue, knownCatalogue } from './spotify/catalogue.js';
import { catalog } from '../../functions/sources/all.js';

const ARTISTS = ['BTS', 'aespa', 'Jung Kook', 'Halsey', 'Coldplay'];

/** The artist side: catalogue fan-out for a few artists, then one chatbot answer. */
async function artistsAndChat(services: Services): Promise<void> {
  const summaries = await runLocally(catalog, services, {
    job: 'spotify.artist_catalog',
    params: { artists: ARTISTS },
  });
  const rows: Record<string, number> = {};
  for (const s of summaries)
    for (const [table, n] of Object.entries(s.rows)) rows[table] = (rows[table] ?? 0) + n;
  const failed = summaries.filter((s) => s.outcome !== 'succeeded').length;
  const calls = summaries.reduce((n, s) => n + (s.apiCalls.spotify ?? 0), 0);
  console.log(
    `\nspotify.artist_catalog for ${ARTISTS.join(', ')}: ${summaries.length} jobs (${failed} not succeeded), ${calls} API calls`,
  );
  console.log(`  rows: ${JSON.stringify(rows)}`);
  // As the schedule does in the cloud: the chatbot's prebuilt index, after the catalogue.
  const [index] = await runLocally(catalog, services, {
    job: 'spotify.chatbot_index',
    params: {},
  });
  console.log(
    `\nspotify.chatbot_index: ${index?.outcome ?? 'not run'}, ${JSON.stringify(index?.details ?? {})}`,
  );
  // The CLI waits for the artist index instead of answering "one moment" as a webhook would.
  const timer: Timer = () => new Promise(() => undefined);
  const chat = createChatRuntime(services, { timer, liveSearch: null });
  const reply = await chat.engine.answer({ text: 'bts', artistId: null });
  if (reply.kind !== 'artist') {
    console.log(`\nchatbot: ${JSON.stringify(reply)}`);
    return;
  }
  console.log(`\nChatbot, asked "bts" (npm run cli -- chat bts --platform messenger):`);
  console.log(`  ${reply.artist.name} ${reply.artist.spotifyUrl ?? ''}`);
  console.log(`  listen to (${reply.tracksBasis}): ${reply.tracks.map((t) => t.name).join(' · ')}`);
  console.log(`  similar: ${reply.similar.map((a) => a.name).join(', ') || '(none yet)'}`);
}

async function main(): Promise<void> {
  const sandbox = new SpotifySandbox({
    contract: false,
    tier: (process.env.SPOTIFY_TIER as 'development' | 'extended') ?? 'development',
  });
  installPodcasts(sandbox, new PodcastCatalog());
  installCatalogue(sandbox, knownCatalogue());
  await sandbox.start();
  const env = { ...process.env, ...sandbox.env(), SPOTIFY_MARKET: 'BR', FANPULSE_BACKEND: 'local' };
  const services = createServices({ env, sink: () => undefined, schema: catalog.schema });
  console.log(
    `Spotify sandbox (${sandbox.tier} tier) on ${sandbox.url}; data in ${services.config.dataDir}/\n`,
  );
  try {
    for (const message of [
      { job: 'spotify.podcast_shows', params: { term: 'data hackers', limit: 50 } },
      {
        job: 'spotify.podcast_episodes',
        params: { showName: 'Data Hackers', terms: ['Grupo Boticário'] },
      },
    ]) {
      const [summary] = await runLocally(catalog, services, message);
      if (!summary) continue;
      console.log(`${summary.outcome.toUpperCase()} ${summary.job} (run ${summary.runId})`);
      console.log(
        `  rows: ${JSON.stringify(summary.rows)}  api calls: ${JSON.stringify(summary.apiCalls)}  ${summary.durationMs} ms`,
      );
      for (const path of summary.rawObjects)
        console.log(`  raw: ${(await services.rawStore()).describe(path)}`);
      if (summary.error) console.log(`  error: ${summary.error}`);
    }
    const warehouse = await services.warehouse();
    const counts = await warehouse.query(
      `SELECT 'latest_spotify_shows' AS view, count(*) AS row_count FROM latest_spotify_shows
       UNION ALL SELECT 'latest_spotify_episodes', count(*) FROM latest_spotify_episodes
       UNION ALL SELECT 'spotify_episodes_mentioning_terms', count(*) FROM spotify_episodes_mentioning_terms`,
    );
    console.log('\n' + formatTable(counts));
    const sql = `SELECT episode_id, name, release_date FROM spotify_episodes_mentioning_terms WHERE term = 'Grupo Boticário' ORDER BY release_date DESC LIMIT 5`;
    console.log(`\nExample: npm run cli -- query "${sql}"\n`);
    console.log(formatTable(await warehouse.query(sql)));
    await artistsAndChat(services);
    console.log(`\nSandbox requests: ${sandbox.apiCalls()} API + ${sandbox.tokenCalls()} token.`);
  } finally {
    await services.close();
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  // One line that says what failed; the stack only when asked for.
  console.error(`demo: ${describeCliError(error).line}`);
  if (process.env.FANPULSE_LOG_LEVEL === 'DEBUG' && error instanceof Error)
    console.error(error.stack);
  process.exitCode = 1;
});
