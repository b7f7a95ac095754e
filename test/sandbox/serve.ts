// `npm run sandbox`: every API sandbox on a loopback port (Spotify with the podcast and artist
// catalogues, the Instagram Graph API, the Messenger Send API), until Ctrl-C. Prints the
// `export ...` lines that point the CLI at them, so the README's job examples run offline:
// paste them into another shell (or, without `export`, into .env, which the CLI reads).
import { existsSync } from 'node:fs';
import { InstagramSandbox } from './instagram/server.js';
import { MessengerSandbox } from './messenger/server.js';
import { installCatalogue, knownCatalogue } from './spotify/catalogue.js';
import { installPodcasts, PodcastCatalog } from './spotify/podcasts.js';
import { SPOTIFY_SPEC_PATH } from './spotify/contract.js';
import { SpotifySandbox } from './spotify/server.js';

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<void> {
  const tier = process.env.SPOTIFY_TIER === 'extended' ? 'extended' : 'development';
  // A clone without ../shared (Spotify's published spec) still serves; the tests hold the
  // sandbox to the spec.
  const spotify = new SpotifySandbox({ tier, contract: existsSync(SPOTIFY_SPEC_PATH) });
  installPodcasts(spotify, new PodcastCatalog());
  installCatalogue(spotify, knownCatalogue());
  const sandboxes = {
    spotify,
    instagram: new InstagramSandbox(),
    messenger: new MessengerSandbox(),
  };
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const stopAll = () => Promise.all(started.map((s) => s.stop()));
  try {
    for (const sandbox of Object.values(sandboxes)) {
      await sandbox.start();
      started.push(sandbox);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const env: Record<string, string> = {
    ...spotify.env(),
    // The podcast catalogue is Brazilian, like the demo's.
    SPOTIFY_MARKET: 'BR',
    ...sandboxes.instagram.env(),
    ...sandboxes.messenger.env(),
  };
  for (const [name, value] of Object.entries(env))
    process.stdout.write(`export ${name}=${quote(value)}\n`);
  process.stderr.write(
    [
      '',
      `Sandboxes on loopback: Spotify (${tier} tier) ${spotify.url}, Instagram ${sandboxes.instagram.url}, Messenger ${sandboxes.messenger.url}.`,
      'Run the lines above in another shell, then for example:',
      '  npm run job -- spotify.podcast_episodes --show-name "Data Hackers" --terms "Grupo Boticário"',
      '  npm run job -- instagram.brands',
      'Ctrl-C stops the sandboxes.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stopAll();
}

main().catch((error: unknown) => {
  console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
