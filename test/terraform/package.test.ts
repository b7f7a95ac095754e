// `npm run package`: the folder Terraform zips must be what Cloud Build and the Node.js
// runtime need, with nothing to compile and no dev-only packages to install.
import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import {
  STAGED_MAIN,
  exists,
  parseRuntimeLock,
  runtimePackages,
  stagePackage,
  stagedLockfile,
  stagedPackageJson,
} from '../../functions/deploy/package.js';

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
    expect(pkg.dependencies).to.deep.equal(root.dependencies);
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
});
