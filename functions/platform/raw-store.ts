// The RawStore port and its local-folder adapter. Objects appear whole or not at all
// (write to a temp name, rename on close), so a crashed run leaves no half object and a
// rerun of the same run id replaces what it wrote before.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { createGunzip, createGzip, gunzipSync } from 'node:zlib';
import { once } from 'node:events';
import { PassThrough, pipeline, type Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { removeStaleTemps, syncParents, tempNameFor } from './durable-file.js';

export interface RawObjectWriter {
  writeLine(line: string): Promise<void>;
  /** Makes the object visible. */
  close(): Promise<{ path: string; lines: number }>;
  /** Drops what was written; nothing becomes visible. */
  abort(): Promise<void>;
}

export interface RawStore {
  readonly kind: 'local' | 'gcs';
  /** Human-readable location of a path, for logs and the demo. */
  describe(path: string): string;
  openWriter(path: string): Promise<RawObjectWriter>;
  /** Whole object, gunzipped when its name ends in .gz (small objects: snapshots, aliases). */
  read(path: string): Promise<string>;
  /**
   * The object's lines (split on \n, the last one even without a newline), gunzipped when its
   * name ends in .gz, streamed: memory stays flat in the object's size. Stopping early
   * (break, throw) closes the download.
   */
  readLines(path: string): AsyncIterable<string>;
  /** Object paths under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
}

export function gunzipIfNeeded(path: string, data: Buffer): string {
  return (path.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
}

/** The NDJSON lines of a byte stream, gunzipped first when `path` ends in .gz. */
export async function* streamLines(path: string, bytes: Readable): AsyncGenerator<string> {
  // Read through a pipeline, which passes a failure of either side on to the stream read
  // here (and reads the Cloud Storage client's stream by piping, as it expects).
  const source = path.endsWith('.gz') ? createGunzip() : new PassThrough();
  pipeline(bytes, source, () => undefined);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      rest += decoder.write(chunk);
      let start = 0;
      let end = rest.indexOf('\n', start);
      while (end !== -1) {
        yield rest.slice(start, end);
        start = end + 1;
        end = rest.indexOf('\n', start);
      }
      rest = rest.slice(start);
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    // Leaving early (the reader stopped) must not leave the file or the download open.
    source.destroy();
    bytes.destroy();
  }
}

/** Writes lines to a stream honouring backpressure. */
export async function writeWithBackpressure(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

export class LocalRawStore implements RawStore {
  readonly kind = 'local' as const;
  private writers = 0;
  constructor(private readonly root: string) {}

  describe(path: string): string {
    return join(this.root, path);
  }

  private cleaned: Promise<unknown> | null = null;

  async openWriter(path: string): Promise<RawObjectWriter> {
    // The first writer of this process removes what killed runs left behind.
    await (this.cleaned ??= removeStaleTemps(join(this.root, 'raw')).catch(() => []));
    const target = join(this.root, path);
    const temp = tempNameFor(target, `${Date.now()}-${++this.writers}`);
    const created = await mkdir(dirname(target), { recursive: true });
    // flush: the data is fsynced when the file closes, before the rename publishes it.
    const file = createWriteStream(temp, { flush: true });
    const gzip = path.endsWith('.gz') ? createGzip() : null;
    if (gzip) gzip.pipe(file);
    const sink: Writable = gzip ?? file;
    let lines = 0;
    const finished = once(file, 'close');
    return {
      writeLine: async (line) => {
        lines += 1;
        await writeWithBackpressure(sink, line + '\n');
      },
      close: async () => {
        sink.end();
        await finished;
        await rename(temp, target);
        await syncParents(target, created);
        return { path, lines };
      },
      abort: async () => {
        sink.destroy();
        file.destroy();
        // The stream may still be opening the temp file: removing it before 'close' would
        // let the open recreate it afterwards and leave it behind.
        await finished.catch(() => undefined);
        await rm(temp, { force: true });
      },
    };
  }

  async read(path: string): Promise<string> {
    return gunzipIfNeeded(path, await readFile(join(this.root, path)));
  }

  readLines(path: string): AsyncIterable<string> {
    return streamLines(path, createReadStream(join(this.root, path)));
  }

  async list(prefix: string): Promise<string[]> {
    const base = join(
      this.root,
      prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '',
    );
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.includes('.tmp-')) {
          const rel = relative(this.root, full).split(sep).join('/');
          if (rel.startsWith(prefix)) found.push(rel);
        }
      }
    };
    await walk(base);
    return found.sort();
  }
}
