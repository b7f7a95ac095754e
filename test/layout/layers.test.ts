// The layering of docs/architecture.md, checked on the import graph of the TypeScript
// sources (test/support/import-graph.ts): no file imports from a layer above its own, no
// source imports another source, no runtime face another face, and no import cycle.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cycles, importGraph, type ImportGraph } from '../support/import-graph.js';

/** Bottom to top; a file belongs to the first layer whose pattern matches its path. */
const LAYERS: ReadonlyArray<[string, RegExp]> = [
  ['schemas', /^schemas\//],
  ['platform', /^functions\/platform\//],
  ['core', /^functions\/core\//],
  ['sources', /^functions\/sources\//],
  ['faces', /^functions\/faces\//],
  ['deploy', /^functions\/deploy\//],
  ['cli', /^functions\/cli\//],
  ['roots', /^functions\/(index|cli)\.ts$/],
];

function layerOf(file: string): number {
  const i = LAYERS.findIndex(([, pattern]) => pattern.test(file));
  if (i === -1) throw new Error(`${file} is in no layer of docs/architecture.md`);
  return i;
}

/** The lists of units: above the units of their folder, which must not import them. */
const UNIT_LISTS = new Set([
  'functions/sources/registry.ts',
  'functions/sources/all.ts',
  'functions/faces/entry-points.ts',
]);

/** `functions/sources/spotify/x.ts` → `spotify`; files directly in the folder → null. */
function unitOf(file: string, folder: 'sources' | 'faces'): string | null {
  const m = new RegExp(`^functions/${folder}/([^/]+)/`).exec(file);
  return m ? m[1]! : null;
}

function violations(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      if (!graph.has(target)) {
        found.push(`${file} imports ${target}, which is not a source file`);
        continue;
      }
      if (layerOf(target) > layerOf(file))
        found.push(
          `${file} (${LAYERS[layerOf(file)]![0]}) imports ${target} (${LAYERS[layerOf(target)]![0]})`,
        );
      for (const folder of ['sources', 'faces'] as const) {
        const from = unitOf(file, folder);
        const to = unitOf(target, folder);
        // A unit may use its own files and the folder's shared files, never another unit;
        // and a unit never imports the folder's registry (it is above the units).
        if (from !== null && to !== null && from !== to)
          found.push(`${file} imports ${target}: ${folder}/${from} uses ${folder}/${to}`);
        if (from !== null && UNIT_LISTS.has(target) && target.startsWith(`functions/${folder}/`))
          found.push(`${file} imports ${target}, the ${folder} list above its own unit`);
      }
    }
  }
  return found;
}

describe('layout: layers and cycles', () => {
  let graph: ImportGraph;
  before(async () => {
    graph = await importGraph();
  });

  it('reads every file of functions/ and schemas/ and finds their imports', () => {
    expect(graph.size).to.be.greaterThan(100);
    expect(graph.get('functions/index.ts')).to.include('functions/faces/entry-points.ts');
    // dynamic imports count: the registry loads each source lazily
    expect(graph.get('functions/sources/registry.ts')).to.include(
      'functions/sources/spotify/source.ts',
    );
  });

  it('has no import from a layer above, between sources or between faces', () => {
    expect(violations(graph)).to.deep.equal([]);
  });

  it('has no import cycle (cli/ included)', () => {
    expect(cycles(graph).map((c) => c.join(' → '))).to.deep.equal([]);
  });

  it('would notice a violation and a cycle', () => {
    const bad: ImportGraph = new Map([
      ['functions/platform/a.ts', ['functions/core/b.ts']],
      ['functions/core/b.ts', ['functions/platform/a.ts']],
      ['functions/sources/x/c.ts', ['functions/sources/y/d.ts', 'functions/sources/registry.ts']],
      ['functions/sources/y/d.ts', []],
      ['functions/sources/registry.ts', []],
    ]);
    expect(violations(bad)).to.deep.equal([
      'functions/platform/a.ts (platform) imports functions/core/b.ts (core)',
      'functions/sources/x/c.ts imports functions/sources/y/d.ts: sources/x uses sources/y',
      'functions/sources/x/c.ts imports functions/sources/registry.ts, the sources list above its own unit',
    ]);
    expect(cycles(bad)).to.deep.equal([['functions/platform/a.ts', 'functions/core/b.ts']]);
  });
});

describe('layout: docs/architecture.md matches the folders', () => {
  it('names every folder of functions/ (and each source and face), and only folders that exist', async () => {
    const doc = await readFile('docs/architecture.md', 'utf8');
    const folders = (await readdir('functions', { recursive: true, withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => join(e.parentPath, e.name).replace(/^functions\//, ''))
      .filter((p) => p.split('/').length <= 2);
    for (const folder of folders) {
      const last = folder.split('/').pop()!;
      expect(doc, `docs/architecture.md does not mention ${folder}/`).to.match(
        new RegExp(`(^|[\\s\`(/])${last}/`, 'm'),
      );
    }
    const named = [...doc.matchAll(/functions\/[A-Za-z0-9_./-]+\.ts/g)].map((m) => m[0]);
    expect(named.length).to.be.greaterThan(5);
    for (const path of named)
      expect(existsSync(path), `${path} in docs/architecture.md`).to.equal(true);
  });
});
