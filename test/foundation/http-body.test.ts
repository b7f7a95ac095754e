// readBody (the HTTP functions' own bounded body reader) and the switch that turns
// functions-framework's body parsers off for the functions that use it.
import { http as registerHttp } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { expect } from 'chai';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import {
  isReadingOwnBody,
  readBody,
  readsOwnBody,
  type BodyRead,
} from '../../functions/platform/http-body.js';
import { takeOverBodyParsing } from '../../functions/platform/http-body-takeover.js';

const LIMIT = 1000;

/** A server whose every request is read by readBody; resolves with what it read. */
async function serve(limit = LIMIT): Promise<{
  url: string;
  reads: BodyRead[];
  close(): Promise<void>;
}> {
  const reads: BodyRead[] = [];
  const server = createServer((req, res) => {
    void readBody(req, limit, res).then((read) => {
      reads.push(read);
      res.writeHead(read.ok ? 200 : read.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(read.ok ? { bytes: read.body.length } : { error: read.reason }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    reads,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

function post(
  url: string,
  body: Buffer | Buffer[],
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const chunks = Array.isArray(body) ? body : [body];
    const req = request(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          json: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>,
        }),
      );
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readBody: the HTTP functions read their own body within a limit', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeEach(async () => (s = await serve()));
  afterEach(async () => s.close());

  it('reads a body up to the limit exactly and refuses one byte more, declared or not', async () => {
    const exact = Buffer.alloc(LIMIT, 'a');
    expect(await post(s.url, exact, { 'content-length': String(LIMIT) })).to.deep.equal({
      status: 200,
      json: { bytes: LIMIT },
    });
    const over = Buffer.alloc(LIMIT + 1, 'a');
    expect(await post(s.url, over, { 'content-length': String(LIMIT + 1) })).to.deep.equal({
      status: 413,
      json: { error: `body over ${LIMIT} bytes` },
    });
    // chunked, no Content-Length: counted as it arrives
    const chunked = await post(s.url, [Buffer.alloc(600, 'a'), Buffer.alloc(401, 'b')]);
    expect(chunked).to.deep.equal({ status: 413, json: { error: `body over ${LIMIT} bytes` } });
    const small = await post(s.url, [Buffer.alloc(600, 'a'), Buffer.alloc(400, 'b')]);
    expect(small).to.deep.equal({ status: 200, json: { bytes: LIMIT } });
    expect(await post(s.url, Buffer.alloc(0))).to.deep.equal({ status: 200, json: { bytes: 0 } });
  });

  it('decodes gzip, x-gzip and deflate within the limit, as decoded, and refuses the rest', async () => {
    const inner = Buffer.alloc(LIMIT, 'z');
    for (const [encoding, packed] of [
      ['gzip', gzipSync(inner)],
      ['x-gzip', gzipSync(inner)],
      ['deflate', deflateSync(inner)],
      [' GZIP ', gzipSync(inner)],
    ] as const) {
      expect(await post(s.url, packed, { 'content-encoding': encoding }), encoding).to.deep.equal({
        status: 200,
        json: { bytes: LIMIT },
      });
    }
    const bomb = gzipSync(Buffer.alloc(LIMIT + 1, 'z'));
    expect(await post(s.url, bomb, { 'content-encoding': 'gzip' })).to.deep.equal({
      status: 413,
      json: { error: `body over ${LIMIT} bytes once decoded (gzip)` },
    });
    expect(
      await post(s.url, Buffer.from('plain'), { 'content-encoding': 'identity' }),
    ).to.deep.equal({ status: 200, json: { bytes: 5 } });
    expect(await post(s.url, Buffer.from('xx'), { 'content-encoding': 'deflate' })).to.deep.equal({
      status: 400,
      json: { error: 'body cannot be decoded (deflate)' },
    });
    expect(
      await post(s.url, Buffer.from('xx'), { 'content-encoding': 'zstd, gzip' }),
    ).to.deep.equal({ status: 415, json: { error: 'unsupported content encoding zstd, gzip' } });
  });

  it('takes a body the framework already read, under the same limit, and keeps it as rawBody', async () => {
    const framework = (rawBody: Buffer) =>
      ({ rawBody, readableEnded: true, headers: {} }) as unknown as IncomingMessage;
    expect(await readBody(framework(Buffer.alloc(LIMIT)), LIMIT)).to.deep.include({ ok: true });
    expect(await readBody(framework(Buffer.alloc(LIMIT + 1)), LIMIT)).to.deep.equal({
      ok: false,
      status: 413,
      reason: `body over ${LIMIT} bytes`,
    });
    const done = { readableEnded: true, headers: {} } as unknown as IncomingMessage;
    expect(await readBody(done, LIMIT)).to.deep.equal({ ok: true, body: Buffer.alloc(0) });
    await post(s.url, Buffer.from('kept'));
    expect(s.reads.at(-1)).to.deep.equal({ ok: true, body: Buffer.from('kept') });
  });

  it('drains a refused body so the sender reads the 413, and closes the connection', async () => {
    // 600 KB sent in pieces with no Content-Length: refused after the first KB, the rest
    // read and dropped; the answer arrives whole, with Connection: close.
    const pieces = Array.from({ length: 600 }, () => Buffer.alloc(1024, 'q'));
    const answer = await new Promise<{ status: number; connection: string; body: string }>(
      (resolve, reject) => {
        const req = request(s.url, { method: 'POST' }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              connection: String(res.headers.connection),
              body: Buffer.concat(parts).toString('utf8'),
            }),
          );
        });
        req.on('error', reject);
        for (const p of pieces) req.write(p);
        req.end();
      },
    );
    expect(answer).to.deep.equal({
      status: 413,
      connection: 'close',
      body: JSON.stringify({ error: `body over ${LIMIT} bytes` }),
    });
  });

  it('says a body that stopped halfway is incomplete', async () => {
    let server: Server | undefined;
    const read = await new Promise<BodyRead>((resolve) => {
      server = createServer((req) => void readBody(req, LIMIT).then(resolve));
      server.listen(0, '127.0.0.1', () => {
        const { port } = server!.address() as AddressInfo;
        const req = request(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: { 'content-length': '500' },
        });
        req.on('error', () => undefined);
        req.write(Buffer.alloc(100), () => setImmediate(() => req.destroy()));
      });
    });
    server?.closeAllConnections();
    await new Promise((ok) => server?.close(ok));
    expect(read).to.deep.equal({ ok: false, status: 400, reason: 'request body incomplete' });
  });
});

describe('functions-framework body parsing taken over for marked functions', () => {
  it('leaves the stream unread for a marked function and parses for the others', async () => {
    expect(takeOverBodyParsing()).to.equal(true);
    const seen: Array<{ body: unknown; rawBody: unknown; read?: BodyRead }> = [];
    const plain = async (
      req: { body: unknown; rawBody?: unknown },
      res: { send(x: string): void },
    ) => {
      seen.push({ body: req.body, rawBody: req.rawBody });
      res.send('ok');
    };
    const own = readsOwnBody(
      async (
        req: IncomingMessage & { body?: unknown; rawBody?: unknown },
        res: { send(x: string): void },
      ) => {
        const entry: { body: unknown; rawBody: unknown; read?: BodyRead } = {
          body: req.body,
          rawBody: req.rawBody,
        };
        entry.read = await readBody(req, LIMIT);
        seen.push(entry);
        res.send('ok');
      },
    );
    expect(isReadingOwnBody(own)).to.equal(true);
    expect(isReadingOwnBody(plain)).to.equal(false);
    registerHttp('bodyTakeoverPlain', plain as never);
    registerHttp('bodyTakeoverOwn', own as never);
    for (const name of ['bodyTakeoverPlain', 'bodyTakeoverOwn']) {
      const server = getTestServer(name);
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await new Promise<void>((resolve, reject) => {
        const req = request(
          url,
          { method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', resolve);
          },
        );
        req.on('error', reject);
        req.end('{"a":1}');
      });
      await new Promise((ok) => server.close(ok));
    }
    expect(seen[0]!.body).to.deep.equal({ a: 1 });
    expect(Buffer.isBuffer(seen[0]!.rawBody)).to.equal(true);
    expect(seen[1]!.body).to.equal(undefined);
    expect(seen[1]!.rawBody).to.equal(undefined);
    expect(seen[1]!.read).to.deep.equal({ ok: true, body: Buffer.from('{"a":1}') });
  });
});
