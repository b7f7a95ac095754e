// `npm run package`: the folder Terraform zips must be what Cloud Build and the Node.js
// runtime need, with nothing to compile and no dev-only packages to install.
import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import {
  LOCAL_ONLY_DEPENDENCIES,
  STAGED_MAIN,
  exists,
  parseRuntimeLock,
  reachableLock,
  runtimePackages,
  stagePackage,
  stagedLockfile,
  stagedPackageJson,
} from '../../functions/deploy/package.js';
import { folderSize, formatSizes, measureStage } from '../../functions/deploy/package-size.js';
import { builtinModules } from 'node:module';

/** Package name of a bare import specifier (`@scope/name/sub` → `@scope/name`). */
const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;

/** Static imports and re-exports of a compiled module (not `import()` expressions). */
function staticImports(text: string): string[] {
  return [
    // The clause between import/export and from holds names, braces, commas and `*` only.
    ...text.matchAll(/^\s*(?:import|export)\s+[\w$*{},\s]+?\s*from\s*['"]([^'"\n]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
  ].map((m) => m[1]!);
}

/** `import('...')` expressions with a literal specifier. */
const dynamicImports = (text: string) =>
  [...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);

/** Modules only the local mode loads (runtime.ts imports them in its local branch). */
const LOCAL_ONLY_MODULES = ['dist/functions/platform/warehouse-duckdb.js'];

/** Paths of every file under `dir` (names only; test/support/hygiene.ts's filesUnder reads contents). */
async function filePathsUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('function source package (npm run package)', () => {
  let out: string;
  let staged: Awaited<ReturnType<typeof stagePackage>>;
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'fanpulse-package-'));
    staged = await stagePackage(process.cwd(), join(out, 'source'));
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('contains the compiled entry points and a package.json whose main points at them', async () => {
    const pkg = JSON.parse(await readFile(join(staged.outDir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg.main).to.equal('dist/functions/index.js');
    expect(pkg.main).to.equal(STAGED_MAIN);
    expect(pkg.type).to.equal('module');
    const index = await readFile(join(staged.outDir, STAGED_MAIN), 'utf8');
    expect(index).to.equal(await readFile(STAGED_MAIN, 'utf8'));
  });

  it('gives Cloud Build nothing to compile and no dev packages to install', async () => {
    const pkg = JSON.parse(await readFile(join(staged.outDir, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies?: unknown;
      engines: Record<string, string>;
    };
    // An empty gcp-build makes the Node.js buildpack skip the build step.
    expect(pkg.scripts['gcp-build']).to.equal('');
    expect(pkg).not.to.have.property('devDependencies');
    const root = JSON.parse(await readFile('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    // Every runtime dependency but the local-only ones (DuckDB).
    const cloud = Object.fromEntries(
      Object.entries(root.dependencies).filter(([n]) => !LOCAL_ONLY_DEPENDENCIES.includes(n)),
    );
    expect(pkg.dependencies).to.deep.equal(cloud);
    expect(pkg.dependencies).not.to.have.property('@duckdb/node-api');
    expect(root.dependencies).to.have.property('@duckdb/node-api');
    expect(pkg.dependencies).to.have.property('@google-cloud/functions-framework');
    expect(root.devDependencies).to.have.property('node');
    expect(pkg.engines.node).to.match(/>=\s*2[2-4]/);
    const files = (await filePathsUnder(staged.outDir)).map((f) => relative(staged.outDir, f));
    expect(files.filter((f) => /\.(ts|map)$/.test(f))).to.deep.equal([]);
    expect(files.filter((f) => !f.startsWith('dist/')).sort()).to.deep.equal([
      'package-lock.json',
      'package.json',
    ]);
    expect(files.some((f) => f.startsWith('dist/test/'))).to.equal(false);
  });

  it('ships a lockfile npm ci accepts: same versions, root in sync, dev-only entries dropped', async () => {
    const lock = JSON.parse(await readFile(join(staged.outDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; version?: string; dependencies?: unknown }>;
    };
    const source = JSON.parse(await readFile('package-lock.json', 'utf8')) as typeof lock;
    expect(lock.packages['']?.dependencies).to.deep.equal(staged.packageJson.dependencies);
    expect(lock.packages['']).not.to.have.property('devDependencies');
    for (const [path, entry] of Object.entries(lock.packages)) {
      expect(entry.dev, path).not.to.equal(true);
      if (path !== '') expect(entry, path).to.deep.equal(source.packages[path]);
    }
    for (const name of Object.keys(staged.packageJson.dependencies)) {
      expect(lock.packages, name).to.have.property(`node_modules/${name}`);
    }
    expect(lock.packages).not.to.have.property('node_modules/typescript');
    expect(lock.packages).not.to.have.property('node_modules/node');
  });

  it('resolves every relative import of the shipped code inside the package', async () => {
    const js = (await filePathsUnder(join(staged.outDir, 'dist'))).filter((f) => f.endsWith('.js'));
    expect(js.length).to.be.greaterThan(20);
    const missing: string[] = [];
    for (const file of js) {
      const text = await readFile(file, 'utf8');
      const specifiers = [
        ...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g),
      ].map((m) => m[1]!);
      for (const spec of specifiers) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(staged.outDir) || !(await exists(target))) {
          missing.push(`${relative(staged.outDir, file)} → ${spec}`);
        }
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('keeps install scripts allowed only for runtime packages, and refuses an unbuilt checkout', async () => {
    const lock = parseRuntimeLock({
      lockfileVersion: 3,
      packages: {
        '': { name: 'x', version: '1.0.0' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/a/node_modules/b': { version: '2.0.0' },
        'node_modules/node': { version: '24.0.0', dev: true },
      },
    });
    const runtime = runtimePackages(lock);
    expect([...runtime].sort()).to.deep.equal(['a', 'b']);
    const pkg = stagedPackageJson(
      {
        name: 'x',
        version: '1.0.0',
        type: 'module',
        dependencies: { a: '^1.0.0' },
        devDependencies: { node: '^24.0.0' },
        allowScripts: { node: true, b: true },
      },
      runtime,
    );
    expect(pkg.allowScripts).to.deep.equal({ b: true });
    const staged = stagedLockfile(lock, pkg) as { packages: Record<string, unknown> };
    expect(Object.keys(staged.packages)).to.deep.equal([
      '',
      'node_modules/a',
      'node_modules/a/node_modules/b',
    ]);
    const empty = await mkdtemp(join(tmpdir(), 'fanpulse-unbuilt-'));
    try {
      let message = '';
      await stagePackage(empty, join(empty, 'out')).catch((e: Error) => (message = e.message));
      expect(message).to.include('npm run build');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('loads no local-only package (DuckDB) on any cloud code path of the entry point', async () => {
    // Every module the entry point can load, statically or by import(), except through the
    // one local-mode branch checked below.
    const root = join(staged.outDir, 'dist/functions/index.js');
    const seen = new Set<string>();
    const bare = new Map<string, string>();
    const pending = [root];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = await readFile(file, 'utf8');
      for (const spec of [...staticImports(text), ...dynamicImports(text)]) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!LOCAL_ONLY_MODULES.includes(relative(staged.outDir, target))) pending.push(target);
        } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
          bare.set(packageOf(spec), relative(staged.outDir, file));
        }
      }
    }
    expect(seen.size).to.be.greaterThan(20);
    expect(bare.size).to.be.greaterThan(3);
    for (const [name, importer] of bare) {
      expect(LOCAL_ONLY_DEPENDENCIES, `${importer} imports ${name}`).not.to.include(name);
      expect(staged.packageJson.dependencies, `${importer} imports ${name}`).to.have.property(name);
    }
    // The walk sees what it must: the DuckDB adapter is shipped, but only import()ed, and
    // only by the runtime's local branch.
    const importers: string[] = [];
    for (const file of (await filePathsUnder(join(staged.outDir, 'dist'))).filter((f) => f.endsWith('.js'))) {
      if (LOCAL_ONLY_MODULES.includes(relative(staged.outDir, file))) continue;
      const text = await readFile(file, 'utf8');
      if (staticImports(text).some((s) => s.includes('duckdb'))) importers.push(`static ${file}`);
      if (/import\(\s*['"][^'"]*duckdb[^'"]*['"]\s*\)/.test(text)) importers.push(relative(staged.outDir, file));
    }
    expect(importers).to.deep.equal(['dist/functions/platform/runtime.js']);
    const runtime = await readFile(join(staged.outDir, 'dist/functions/platform/runtime.js'), 'utf8');
    expect(runtime).to.match(/else \{\s*const \{ openDuckDbWarehouse \} = await import\('\.\/warehouse-duckdb\.js'\)/);
  });

  it('keeps in the lockfile only what the staged dependencies reach', () => {
    const lock = parseRuntimeLock({
      lockfileVersion: 3,
      packages: {
        '': { name: 'x', version: '1.0.0' },
        'node_modules/a': { version: '1.0.0', dependencies: { shared: '^1' } },
        'node_modules/local': { version: '1.0.0', dependencies: { native: '^1', shared: '^1' } },
        'node_modules/native': { version: '1.0.0', optionalDependencies: { 'native-linux': '^1' } },
        'node_modules/native-linux': { version: '1.0.0', optional: true },
        'node_modules/shared': { version: '1.0.0', peerDependencies: { peer: '*' } },
        'node_modules/peer': { version: '1.0.0' },
        'node_modules/a/node_modules/shared': { version: '2.0.0' },
      },
    });
    const kept = reachableLock(lock, { a: '^1' }).runtime.map(([path]) => path);
    // a's own nested copy of shared wins over the hoisted one, as Node resolves it.
    expect(kept.sort()).to.deep.equal(['node_modules/a', 'node_modules/a/node_modules/shared']);
    const both = reachableLock(lock, { a: '^1', local: '^1' }).runtime.map(([path]) => path);
    expect(both.sort()).to.deep.equal([
      'node_modules/a',
      'node_modules/a/node_modules/shared',
      'node_modules/local',
      'node_modules/native',
      'node_modules/native-linux',
      'node_modules/peer',
      'node_modules/shared',
    ]);
    const lockOnDisk = staged.installs;
    expect(lockOnDisk.some((p) => p.includes('@duckdb'))).to.equal(false);
    expect(lockOnDisk).to.include('node_modules/@google-cloud/functions-framework');
  });

  it('reports the size of the staged source and of its installed dependencies', async () => {
    const sizes = await measureStage(staged, process.cwd());
    const source = await folderSize(staged.outDir);
    expect(sizes.sourceBytes).to.equal(source.bytes);
    expect(sizes.sourceFiles).to.equal(source.files);
    expect(sizes.dependencyPackages).to.equal(staged.installs.length);
    expect(sizes.notInstalled).to.deep.equal([]);
    // The installed size of one package, counted without its nested node_modules.
    const zod = await folderSize('node_modules/zod', (name) => name === 'node_modules');
    expect(sizes.dependencyBytes).to.be.greaterThan(zod.bytes);
    const duckdb = await folderSize('node_modules/@duckdb');
    expect(duckdb.bytes, 'DuckDB is installed for local runs').to.be.greaterThan(0);
    const text = formatSizes(sizes);
    expect(text).to.match(/^staged source: \d+\.\d MB in \d+ files$/m);
    expect(text).to.match(/^runtime dependencies: \d+\.\d MB in \d+ packages/m);
  });
});
