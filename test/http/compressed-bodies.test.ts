// The HTTP functions as deployed (functions-framework's CLI in a child process) under a
// compression bomb: 600 MB of zeros gzipped to about 600 KB, posted without credentials.
// The function must refuse it with a 4xx while the process's peak resident memory (VmHWM)
// stays under 350 MB: the framework's own parsers would inflate it to 1.3 GB first.
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { SECRET_ENV, TOKENS } from '../events/support.js';
import { startFunction, type FunctionProcess } from '../support/function-process.js';
import { freeLoopbackPort } from '../support/pubsub-emulator.js';

const BOMB_MB = 600;
const PEAK_LIMIT_MB = 350;

/** Gzips `mb` MiB of zeros a MiB at a time (the zeros are never held at once). */
async function gzipOfZeros(mb: number): Promise<Buffer> {
  const gzip = createGzip();
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise<void>((ok, fail) => {
    gzip.on('end', ok);
    gzip.on('error', fail);
  });
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mb; i++) {
    if (!gzip.write(zeros)) await new Promise((ok) => gzip.once('drain', ok));
  }
  gzip.end();
  await ended;
  return Buffer.concat(out);
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error('no VmHWM in /proc/<pid>/status');
  return Number(kb) / 1024;
}

function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; text: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            type: String(res.headers['content-type'] ?? ''),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// The bomb goes without credentials; malformed JSON with them (the events function parses
// only what an authenticated sender posted), and each refusal leaves a log line.
const targets = [
  {
    target: 'events',
    path: '/appsflyer',
    authenticated: `/appsflyer/${TOKENS.appsflyer}`,
    logged: 'event delivery rejected',
  },
  { target: 'chatbot', path: '/kakao', authenticated: '/kakao', logged: 'chat request rejected' },
];

describe('HTTP functions under a compression bomb (functions-framework in a child process)', function () {
  this.timeout(180_000);
  let bomb: Buffer;
  let dataDir: string;
  const measured: string[] = [];

  before(async () => {
    bomb = await gzipOfZeros(BOMB_MB);
    dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-bomb-'));
  });
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    console.log(`      ${measured.join('; ')}`);
  });

  for (const { target, path, authenticated, logged } of targets) {
    it(`${target}: refuses ${BOMB_MB} MB of gzipped zeros with 413 and stays under ${PEAK_LIMIT_MB} MB`, async () => {
      const port = await freeLoopbackPort();
      let fn: FunctionProcess | undefined;
      try {
        fn = await startFunction(
          target,
          port,
          { ...SECRET_ENV, FANPULSE_DATA_DIR: dataDir, EVENTS_TRUSTED_PROXY_HOPS: '0' },
          'http',
        );
        const pid = fn.pid!;
        const idle = await peakRssMb(pid);
        const base = `http://127.0.0.1:${port}${path}`;
        const json = { 'content-type': 'application/json' };
        const refused = await post(base, bomb, { ...json, 'content-encoding': 'gzip' });
        expect(refused.status).to.equal(413);
        expect(refused.type).to.match(/^application\/json/);
        const peak = await peakRssMb(pid);
        measured.push(
          `${target}: ${(bomb.length / 1024).toFixed(0)} KB gzip → 413, peak RSS ${peak.toFixed(0)} MB (idle ${idle.toFixed(0)} MB)`,
        );
        expect(peak).to.be.below(PEAK_LIMIT_MB);
        // Malformed JSON: the function's own short JSON, no HTML page, nothing on stderr.
        const malformed = await post(
          `http://127.0.0.1:${port}${authenticated}`,
          Buffer.from('{"secret-looking": tru'),
          json,
        );
        expect(malformed.status).to.equal(400);
        expect(malformed.type).to.match(/^application\/json/);
        expect(malformed.text).to.not.match(/<html|SyntaxError|secret-looking/i);
        expect(fn.output.join('\n')).to.not.match(/secret-looking|\n\s+at |<html/);
        const refusals = fn.logs.filter((e) => e.message === logged).map((e) => e.status);
        expect(refusals).to.deep.equal([413, 400]);
      } finally {
        await fn?.stop();
      }
    });
  }
});
