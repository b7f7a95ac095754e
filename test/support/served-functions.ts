// Every deployed function served the way Cloud Functions serves it (the functions-framework
// CLI, one --target per process, package.json "main") and called once, with a module trace
// preloaded (test/support/module-trace.ts): what the call answered, how long from process
// start to the answer (cold start), the peak RSS, and every project module the process
// loaded. The layout test and the `functions` benchmark both use it; the benchmark also
// points it at an older build (`root`) to compare.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appsflyerEvent, SECRET_ENV, TOKENS } from '../events/support.js';
import { gen2Event } from '../pubsub/events.js';
import { InstagramSandbox } from '../sandbox/instagram/server.js';
import { installPodcasts, PodcastCatalog } from '../sandbox/spotify/podcasts.js';
import { SpotifySandbox } from '../sandbox/spotify/server.js';
import { kakaoBody } from '../chatbot/support.js';
import { startFunction } from './function-process.js';
import { freeLoopbackPort } from './pubsub-emulator.js';
import { assertNoViolations } from './harness.js';

export interface FunctionCall {
  target: string;
  signatureType: 'http' | 'cloudevent';
  /** What the call does, for reports. */
  what: string;
  env: Record<string, string>;
  call(base: string): Promise<Response>;
}

export interface ServedOnce {
  target: string;
  status: number;
  body: string;
  /** Process start → answer of the first call, functions-framework's own start included. */
  coldStartMs: number;
  peakRssMiB: number;
  /**
   * CPU time the process used up to the answer (user + system, 10 ms ticks): the work of
   * the cold start, much less sensitive than wall time to other load on the machine.
   */
  cpuMs: number;
  /** Project modules loaded, relative to the served root's dist/ (e.g. functions/index.js). */
  modules: string[];
}

const TRACE_HOOK = new URL('./module-trace.js', import.meta.url).href;

function jobEvent(job: string, params: Record<string, unknown>, topic: string) {
  return (base: string) =>
    fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(
        gen2Event({
          data: { job, params },
          topic,
          messageId: `${Date.now()}`,
          publishTime: new Date().toISOString(),
        }),
      ),
    });
}

/** One call per deployed function, against sandboxes started here; `stop` ends them. */
export async function functionCalls(): Promise<{ calls: FunctionCall[]; stop(): Promise<void> }> {
  const spotify = new SpotifySandbox();
  installPodcasts(spotify, new PodcastCatalog());
  const instagram = new InstagramSandbox();
  await spotify.start();
  await instagram.start();
  const today = new Date().toISOString().slice(0, 10);
  const calls: FunctionCall[] = [
    {
      target: 'spotifyJobs',
      signatureType: 'cloudevent',
      what: 'spotify.podcast_shows against the Spotify sandbox',
      env: { ...spotify.env(), SPOTIFY_MARKET: 'BR' },
      call: jobEvent('spotify.podcast_shows', { limit: 10 }, 'fanpulse-spotify-jobs'),
    },
    {
      target: 'instagramJobs',
      signatureType: 'cloudevent',
      what: 'instagram.brands against the Graph API sandbox',
      env: instagram.env(),
      call: jobEvent('instagram.brands', {}, 'fanpulse-instagram-jobs'),
    },
    {
      target: 'eventsJobs',
      signatureType: 'cloudevent',
      what: 'events.ingest of one event',
      env: {},
      call: jobEvent(
        'events.ingest',
        {
          events: [
            {
              source: 'appsflyer',
              event_key: 'served-once-1',
              event_id: null,
              event_name: 'af_purchase',
              event_time: null,
              received_at: new Date().toISOString(),
              transport: 'json',
              attributes: {},
              payload: appsflyerEvent(),
              issues: [],
            },
          ],
        },
        'fanpulse-events-jobs',
      ),
    },
    {
      target: 'platformJobs',
      signatureType: 'cloudevent',
      what: "platform.replay of today's raw objects (none)",
      env: {},
      call: jobEvent('platform.replay', { from: today, to: today }, 'fanpulse-platform-jobs'),
    },
    {
      target: 'events',
      signatureType: 'http',
      what: 'one AppsFlyer event, stored in-process (local backend)',
      env: { ...SECRET_ENV, EVENTS_TRUSTED_PROXY_HOPS: '0' },
      call: (base) =>
        fetch(`${base}/appsflyer/${TOKENS.appsflyer}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(appsflyerEvent()),
        }),
    },
    {
      target: 'chatbot',
      signatureType: 'http',
      what: 'a Kakao skill request for an artist the empty warehouse does not know (live search on the Spotify sandbox)',
      env: { ...spotify.env(), KAKAO_SKILL_SECRET: 'bench-skill-key' },
      call: (base) =>
        fetch(`${base}/kakao`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-fanpulse-skill-key': 'bench-skill-key',
          },
          body: JSON.stringify(kakaoBody({ artistName: 'BTS' })),
        }),
    },
  ];
  return {
    calls,
    stop: async () => {
      await spotify.stop();
      await instagram.stop();
      assertNoViolations(spotify);
      assertNoViolations(instagram);
    },
  };
}

async function cpuMs(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS);
}

/** Linux USER_HZ: /proc times are in hundredths of a second. */
const CLOCK_TICKS = 100;

async function peakRssMiB(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Serves `call.target` from `root` in a fresh process, calls it once, stops it. */
export async function serveOnce(call: FunctionCall, root = process.cwd()): Promise<ServedOnce> {
  const dir = await mkdtemp(join(tmpdir(), 'fanpulse-served-'));
  const trace = join(dir, 'modules.txt');
  const port = await freeLoopbackPort();
  const started = performance.now();
  const server = await startFunction(
    call.target,
    port,
    {
      FANPULSE_DATA_DIR: join(dir, 'data'),
      FANPULSE_LOG_LEVEL: 'WARNING',
      FANPULSE_MODULE_TRACE: trace,
      NODE_OPTIONS: `--import=${TRACE_HOOK}`,
      ...call.env,
    },
    call.signatureType,
    { pollMs: 5, cwd: root },
  );
  try {
    const answer = await call.call(`http://127.0.0.1:${port}`);
    const body = await answer.text();
    const coldStartMs = performance.now() - started;
    const cpu = await cpuMs(server.pid);
    const peak = await peakRssMiB(server.pid);
    const dist = pathToFileURL(join(root, 'dist')).href + '/';
    const loaded = (await readFile(trace, 'utf8').catch(() => ''))
      .split('\n')
      .filter((url) => url.startsWith(dist))
      .map((url) => url.slice(dist.length));
    return {
      target: call.target,
      status: answer.status,
      body,
      coldStartMs,
      peakRssMiB: peak,
      cpuMs: cpu,
      modules: [...new Set(loaded)].sort(),
    };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
