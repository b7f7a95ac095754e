// Events HTTP function: sustained events/s accepted over loopback and latency percentiles,
// through functions-framework's own server, for the local path (the ingest job runs in
// process into a DuckDB file before each answer) and the cloud path (publish to the real
// Pub/Sub emulator before each answer). Load generator and function share this process.
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { http as registerHttp } from '@google-cloud/functions-framework';
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { eventsHandler } from '../../functions/faces/events/handler.js';
import { createServices, type Services } from '../../functions/platform/runtime.js';
import { startPubSubEmulator } from '../support/pubsub-emulator.js';
import { percentile } from './stats.js';
import type { BenchModule } from './types.js';

const TOKEN = 'bench-token-4b1d2c';
const SECONDS = 8;

interface Scenario {
  name: string;
  concurrency: number;
  perRequest: number;
}

interface Result extends Scenario {
  requests: number;
  events: number;
  failures: number;
  eventsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

let counter = 0;
function event(): Record<string, string> {
  counter += 1;
  return {
    appsflyer_id: `1732100000000-${counter}`,
    event_name: 'af_purchase',
    event_time: '2026-11-20 09:58:01.123',
    event_value: `{"af_revenue":"9.99","af_currency":"BRL","n":${counter}}`,
    platform: 'android',
    app_id: 'com.fanpulse.app',
  };
}

function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/appsflyer/${TOKEN}`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function drive(services: Services, scenario: Scenario, label: string): Promise<Result> {
  registerHttp(
    label,
    eventsHandler(() => services),
  );
  const server = getTestServer(label);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true, maxSockets: scenario.concurrency });
  const latencies: number[] = [];
  let failures = 0;
  const body = () =>
    JSON.stringify(
      scenario.perRequest === 1 ? event() : Array.from({ length: scenario.perRequest }, event),
    );
  // warm-up (schema creation, first secret read, client connections)
  for (let i = 0; i < 3; i += 1) await post(agent, port, body());
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: scenario.concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const status = await post(agent, port, body());
        latencies.push(performance.now() - t0);
        if (status !== 200) failures += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  await new Promise((ok) => server.close(ok));
  latencies.sort((a, b) => a - b);
  const ok = latencies.length - failures;
  return {
    ...scenario,
    requests: latencies.length,
    events: ok * scenario.perRequest,
    failures,
    eventsPerSecond: (ok * scenario.perRequest) / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

const SCENARIOS: Scenario[] = [
  { name: 'one event per POST', concurrency: 1, perRequest: 1 },
  { name: 'one event per POST', concurrency: 32, perRequest: 1 },
  { name: '100 events per POST', concurrency: 4, perRequest: 100 },
];

async function localRuns(): Promise<Result[]> {
  const out: Result[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-bench-events-'));
    const services = createServices({
      env: { FANPULSE_DATA_DIR: dir, EVENTS_TOKEN_APPSFLYER: TOKEN, FANPULSE_LOG_LEVEL: 'ERROR' },
      sink: () => undefined,
    });
    try {
      out.push(await drive(services, scenario, `benchEventsLocal${i}`));
    } finally {
      await services.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  return out;
}

async function cloudRuns(): Promise<Result[]> {
  const emulator = await startPubSubEmulator('fanpulse-bench');
  const out: Result[] = [];
  try {
    const pubsub = new PubSub({
      projectId: emulator.projectId,
      apiEndpoint: emulator.host,
      emulatorMode: true,
    });
    await pubsub.createTopic('bench-events-jobs');
    await pubsub.close();
    process.env.PUBSUB_EMULATOR_HOST = emulator.host;
    for (const [i, scenario] of SCENARIOS.entries()) {
      const services = createServices({
        env: {
          EVENTS_TOKEN_APPSFLYER: TOKEN,
          FANPULSE_LOG_LEVEL: 'ERROR',
          FANPULSE_QUEUE: 'pubsub',
          // As Terraform deploys the events function (terraform/functions.tf).
          FANPULSE_PUBSUB_BATCH_MS: '5',
          FANPULSE_TOPIC_PREFIX: 'bench-',
          GOOGLE_CLOUD_PROJECT: emulator.projectId,
          PUBSUB_EMULATOR_HOST: emulator.host,
        },
        sink: () => undefined,
      });
      try {
        out.push(await drive(services, scenario, `benchEventsCloud${i}`));
      } finally {
        const queue = (await services.queue()) as { close?: () => Promise<void> };
        await queue.close?.();
      }
    }
  } finally {
    delete process.env.PUBSUB_EMULATOR_HOST;
    await emulator.stop();
  }
  return out;
}

const ms = (v: number) => v.toFixed(1);

export const bench: BenchModule = {
  async run() {
    const lines = [
      '| path | requests | concurrency | events/request | events/s accepted | p50 ms | p95 ms | p99 ms | non-200 |',
      '|---|---|---|---|---|---|---|---|---|',
    ];
    const rows = [
      ...(await localRuns()).map((r) => ['local: ingest job → DuckDB file', r] as const),
      ...(await cloudRuns()).map((r) => ['cloud: publish → Pub/Sub emulator', r] as const),
    ];
    for (const [path, r] of rows)
      lines.push(
        `| ${path} | ${r.requests} | ${r.concurrency} | ${r.perRequest} | ${Math.round(r.eventsPerSecond)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.failures} |`,
      );
    return {
      title: 'Events HTTP function',
      command: 'npm run bench -- events',
      markdown:
        lines.join('\n') +
        `\n\nEach scenario runs ${SECONDS} s of sustained POSTs of AppsFlyer-shaped JSON events (each unique) over keep-alive loopback connections, through functions-framework's Express server and body parsers, token check and normalisation. ` +
        'Local: the answer waits for the events.ingest run (raw NDJSON landed, rows in a DuckDB file, job_runs, completion marker); concurrent requests share one run (group commit). ' +
        'Cloud: the answer waits for the Pub/Sub publish to resolve (client batching ≤ 5 ms, FANPULSE_PUBSUB_BATCH_MS as Terraform sets it for this function); the emulator stands in for Pub/Sub, so network latency to Google is not included. ' +
        'The load generator runs in the same process as the function.',
    };
  },
};
