// RawStore.readLines streams an object's lines (replay reads raw objects this way): the same
// lines as reading it whole, gunzipped, with multi-byte characters split across chunks
// intact, for the local folder and the Cloud Storage client against its stub.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TransientError } from '../../functions/platform/errors.js';
import { LocalRawStore, type RawStore } from '../../functions/platform/raw-store.js';
import { startGcpStubs, type GcpStubs } from './gcp-stubs.js';

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

// A long line of two-byte characters crosses every 64 KiB chunk boundary, some mid-character.
const LINES = [
  JSON.stringify({ text: 'Boticário ção'.repeat(20_000) }),
  '',
  ...Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, name: `episódio ${i}` })),
];

// The Cloud Storage client warns (MaxListenersExceededWarning, for read() as well) on a
// plain download of more than a few chunks from the stub: there, plain objects stay small.
const SMALL = [LINES[0]!.slice(0, 2000), '', ...LINES.slice(2, 40)];

function linesFor(store: RawStore, path: string): string[] {
  return store.kind === 'gcs' && !path.endsWith('.gz') ? SMALL : LINES;
}

async function writeLines(store: RawStore, path: string): Promise<string[]> {
  const lines = linesFor(store, path);
  const writer = await store.openWriter(path);
  for (const line of lines) await writer.writeLine(line);
  await writer.close();
  return lines;
}

const adapters: Array<{
  name: string;
  open(): Promise<{ store: RawStore; putBytes(path: string, data: Buffer): Promise<void> }>;
  close(): Promise<void>;
}> = (() => {
  let dir = '';
  let stubs: GcpStubs | null = null;
  return [
    {
      name: 'local folder',
      async open() {
        dir = await mkdtemp(join(tmpdir(), 'fanpulse-lines-'));
        return {
          store: new LocalRawStore(dir),
          async putBytes(path, data) {
            await mkdir(dirname(join(dir, path)), { recursive: true });
            await writeFile(join(dir, path), data);
          },
        };
      },
      close: () => rm(dir, { recursive: true, force: true }),
    },
    {
      name: 'Cloud Storage',
      async open() {
        stubs = await startGcpStubs();
        const gcs = stubs.gcs;
        return {
          store: stubs.rawStore,
          async putBytes(path, data) {
            gcs.objects.set(path, {
              name: path,
              data,
              generation: 1,
              contentType: 'application/x-ndjson',
              md5: createHash('md5').update(data).digest('base64'),
            });
          },
        };
      },
      close: async () => stubs?.close(),
    },
  ];
})();

for (const adapter of adapters) {
  describe(`RawStore.readLines: ${adapter.name}`, () => {
    let store: RawStore;
    let putBytes: (path: string, data: Buffer) => Promise<void>;
    beforeEach(async () => {
      ({ store, putBytes } = await adapter.open());
    });
    afterEach(() => adapter.close());

    for (const path of ['raw/t/dt=2026-11-20/a.ndjson', 'raw/t/dt=2026-11-20/b.ndjson.gz']) {
      it(`streams the lines of ${path.slice(-9)} exactly as reading it whole`, async () => {
        const written = await writeLines(store, path);
        const whole = (await store.read(path)).split('\n');
        expect(whole.pop()).to.equal('');
        const streamed = await collect(store.readLines(path));
        expect(streamed).to.deep.equal(whole);
        expect(streamed).to.deep.equal(written);
      });
    }

    it('yields a last line that has no newline', async () => {
      await putBytes('raw/t/c.ndjson', Buffer.from('{"a":1}\n{"b":"ç"}'));
      expect(await collect(store.readLines('raw/t/c.ndjson'))).to.deep.equal([
        '{"a":1}',
        '{"b":"ç"}',
      ]);
    });

    it('stops reading when the reader stops, and fails on a missing object', async () => {
      await writeLines(store, 'raw/t/d.ndjson.gz');
      let seen = 0;
      for await (const line of store.readLines('raw/t/d.ndjson.gz')) {
        seen += 1;
        if (seen === 3) {
          expect(line).to.equal(LINES[2]);
          break;
        }
      }
      expect(seen).to.equal(3);
      const missing = collect(store.readLines('raw/t/none.ndjson')).then(
        () => expect.fail('read a missing object'),
        (error: unknown) => error,
      );
      const error = await missing;
      expect(error).to.be.instanceOf(Error);
      if (store.kind === 'gcs') expect(error).to.be.instanceOf(TransientError);
    });
  });
}
