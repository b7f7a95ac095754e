// Local durability: raw objects and state documents are renamed into place only once
// written, and the temp files a killed process leaves are removed by the next one.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { removeStaleTemps, syncDirectory } from '../../functions/platform/durable-file.js';
import { LocalRawStore } from '../../functions/platform/raw-store.js';
import { FileStateStore } from '../../functions/platform/state.js';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** A process that opens a raw object, writes lines and is SIGKILLed before closing it. */
async function killedWriter(root: string): Promise<number> {
  const module = resolve('dist/functions/platform/raw-store.js');
  const script = `
    const { LocalRawStore } = await import(${JSON.stringify(module)});
    const w = await new LocalRawStore(${JSON.stringify(root)}).openWriter('raw/s/e/dt=2026-11-20/e_x_run-k.ndjson');
    await w.writeLine('{"a":1}');
    // The stream opens its temp file asynchronously: report once it is on disk.
    const { readdirSync } = await import('node:fs');
    const dir = ${JSON.stringify(root)} + '/raw/s/e/dt=2026-11-20';
    while (!readdirSync(dir).some((n) => n.includes('.tmp-'))) await new Promise((r) => setImmediate(r));
    process.stdout.write('written\\n');
    setInterval(() => {}, 1000);`;
  const node = existsSync('node_modules/.bin/node') ? 'node_modules/.bin/node' : process.execPath;
  const child = spawn(node, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ok) => child.stdout!.once('data', () => ok()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGKILL');
  await exited;
  return child.pid!;
}

describe('local durability', function () {
  this.timeout(30_000);
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'fanpulse-durable-'))));
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('publishes a raw object only on close, and leaves no temp file', async () => {
    const store = new LocalRawStore(root);
    const writer = await store.openWriter('raw/s/e/dt=2026-11-20/e_x_run-1.ndjson');
    await writer.writeLine('{"a":1}');
    expect(await store.list('raw/')).to.deep.equal([]);
    expect(await writer.close()).to.deep.equal({
      path: 'raw/s/e/dt=2026-11-20/e_x_run-1.ndjson',
      lines: 1,
    });
    expect(await files(root)).to.deep.equal(['raw/s/e/dt=2026-11-20/e_x_run-1.ndjson']);
  });

  it('removes the temp file of a writer killed mid-object on the next start', async () => {
    const pid = await killedWriter(root);
    const left = await files(root);
    expect(left).to.have.length(1);
    expect(left[0]).to.match(new RegExp(`e_x_run-k\\.ndjson\\.tmp-${pid}-`));
    // A live process's temp (this one's) must survive the clean-up.
    const mine = join(root, 'raw/s/e/dt=2026-11-20', `other.ndjson.tmp-${process.pid}-1`);
    await writeFile(mine, 'in progress');
    const store = new LocalRawStore(root);
    const writer = await store.openWriter('raw/s/e/dt=2026-11-20/e_x_run-2.ndjson');
    await writer.writeLine('{"b":2}');
    await writer.close();
    expect(await files(root)).to.deep.equal([
      'raw/s/e/dt=2026-11-20/e_x_run-2.ndjson',
      `raw/s/e/dt=2026-11-20/other.ndjson.tmp-${process.pid}-1`,
    ]);
  });

  it('writes state documents through a temp file and cleans those of dead processes', async () => {
    const stateRoot = join(root, 'state');
    await mkdir(join(stateRoot, 'runs'), { recursive: true });
    // pid 2^22+1 is above Linux's pid_max: no process has it.
    await writeFile(join(stateRoot, 'runs', 'r1.json.tmp-4194305-1'), '{"half":');
    const state = new FileStateStore(stateRoot);
    await state.put('runs/r2', { job: 'x' }, { ifVersion: null });
    expect(await files(stateRoot)).to.deep.equal(['runs/r2.json']);
    expect((await state.get('runs/r2', z.object({ job: z.string() })))?.value).to.deep.equal({
      job: 'x',
    });
  });

  it('removeStaleTemps names what it removed; syncDirectory accepts a directory', async () => {
    await mkdir(join(root, 'a'), { recursive: true });
    await writeFile(join(root, 'a', 'f.json.tmp-4194305'), 'x');
    await writeFile(join(root, 'a', 'f.json'), 'kept');
    await writeFile(join(root, 'a', 'g.tmp-notapid'), 'kept');
    expect(await removeStaleTemps(root)).to.deep.equal(['a/f.json.tmp-4194305']);
    expect(await files(root)).to.deep.equal(['a/f.json', 'a/g.tmp-notapid']);
    await syncDirectory(join(root, 'a'));
  });
});
