// The events function served by functions-framework's own Express server (getTestServer:
// the same body parsers, rawBody and error handling as `functions-framework --target`),
// on a loopback port, with a fake clock, an in-memory DuckDB and captured logs.
import { http as registerHttp } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsHandler } from '../../functions/faces/events/handler.js';
import { takeOverBodyParsing } from '../../functions/platform/http-body-takeover.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { memorySink } from '../../functions/platform/logger.js';
import {
  createServices,
  type ServiceOverrides,
  type Services,
} from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import type { Warehouse } from '../../functions/platform/warehouse.js';
import { catalog } from '../../functions/sources/all.js';

export const TOKENS = {
  appsflyer: 'af-token-5f2c9e1a',
  calltracking: 'ct-token-77b1d0aa',
  attribution: 'at-token-c3d94e02',
};
export const CT_HMAC = 'ct-hmac-secret-9a8b7c6d';

export const SECRET_ENV: Record<string, string> = {
  EVENTS_TOKEN_APPSFLYER: TOKENS.appsflyer,
  EVENTS_TOKEN_CALLTRACKING: TOKENS.calltracking,
  EVENTS_HMAC_CALLTRACKING: CT_HMAC,
  EVENTS_TOKEN_ATTRIBUTION: TOKENS.attribution,
};

export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown> | null;
  headers: Record<string, string | string[] | undefined>;
}

export interface SendOptions {
  method?: string;
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

function jsonOrNull(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** A raw HTTP request (no client adds a content type or re-encodes the body). */
export function send(base: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? Buffer.from(options.body, 'utf8')
        : options.body;
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType) headers['content-type'] = options.contentType;
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: options.method ?? (body ? 'POST' : 'GET'), headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            text,
            json: jsonOrNull(text),
            headers: res.headers,
          });
        });
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

export function signCalltracking(body: Buffer | string, secret = CT_HMAC): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

export interface EventsHarness {
  base: string;
  services: Services;
  clock: FakeClock;
  logs: ReturnType<typeof memorySink>;
  warehouse: Warehouse;
  dataDir: string;
  send(path: string, options?: SendOptions): Promise<Reply>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  rejections(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

let served = 0;

export async function startEventsHarness(
  options: { env?: Record<string, string>; overrides?: ServiceOverrides } = {},
): Promise<EventsHarness> {
  const clock = new FakeClock('2026-11-20T10:00:00Z');
  const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-events-'));
  const logs = memorySink();
  const warehouse =
    options.overrides?.warehouse ?? (await openDuckDbWarehouse(':memory:', catalog.schema));
  const services = createServices({
    env: {
      FANPULSE_DATA_DIR: dataDir,
      FANPULSE_LOG_LEVEL: 'DEBUG',
      EVENTS_TRUSTED_PROXY_HOPS: '0',
      ...SECRET_ENV,
      ...options.env,
    },
    clock,
    sink: logs.sink,
    overrides: { ...options.overrides, warehouse },
  });
  // Each harness serves its own registration, so suites never share services.
  served += 1;
  const name = `eventsUnderTest${served}`;
  registerHttp(
    name,
    eventsHandler(() => services),
  );
  takeOverBodyParsing(services.log);
  // Express logs every body-parser refusal to stderr unless its env is "test" (read once,
  // when the app is made); the fuzz suite provokes hundreds of them.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'test';
  const server: Server = getTestServer(name);
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    services,
    clock,
    logs,
    warehouse,
    dataDir,
    send: (path, o) => send(base, path, o),
    query: (sql) => warehouse.query(sql),
    rejections: () => logs.entries().filter((e) => e.message === 'event delivery rejected'),
    close: async () => {
      await new Promise((ok) => server.close(ok));
      await warehouse.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An AppsFlyer in-app event as its Push API sends it: every value a string. */
export function appsflyerEvent(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    appsflyer_id: '1732100000000-1234567',
    event_name: 'af_purchase',
    event_time: '2026-11-20 09:58:01.123',
    event_value: '{"af_revenue":"9.99","af_currency":"BRL","af_content_id":"album-7"}',
    event_revenue: '9.99',
    customer_user_id: '00042',
    platform: 'android',
    app_id: 'com.fanpulse.app',
    ...overrides,
  };
}

/** DuckDB hands JSON columns back as text; tests compare values. */
export function parseJsonColumns(row: Record<string, unknown>): Record<string, unknown> {
  const out = { ...row };
  for (const name of ['attributes', 'raw_payload']) {
    if (typeof out[name] === 'string') out[name] = JSON.parse(out[name]) as unknown;
  }
  return out;
}
