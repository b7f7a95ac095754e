// `npm run package`: stages what Cloud Functions runs into terraform/build/source, which
// Terraform zips (archive_file) and uploads as the function source.
//
// What ships is compiled JavaScript, not TypeScript: dist/functions and dist/schemas, a
// package.json without devDependencies (no TypeScript, and no `node` binary package that
// Cloud Build would download for nothing) whose `gcp-build` is empty, so Cloud Build's
// `npm ci` installs the runtime dependencies and builds nothing; and the repository's
// package-lock.json with the dev-only entries dropped, so `npm ci` installs exactly the
// versions the tests ran against.
//
// Local-only runtime dependencies (DuckDB, the laptop warehouse: ~70 MB of native
// bindings) are dropped from the staged package.json, and the lockfile keeps only what
// the staged dependencies reach. The code loads them with a dynamic import in local mode
// only (functions/platform/runtime.ts); a test walks the static imports of the shipped
// entry point to keep it that way.
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { formatSizes, measureStage } from './package-size.js';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const STAGE_DIR = 'terraform/build/source';
export const STAGED_MAIN = 'dist/functions/index.js';
/** Compiled folders the functions need at run time (functions import ../schemas). */
const STAGED_DIST = ['dist/functions', 'dist/schemas'] as const;
/** Runtime dependencies used only on a laptop (FANPULSE_BACKEND=local); never staged. */
export const LOCAL_ONLY_DEPENDENCIES: readonly string[] = ['@duckdb/node-api'];

const packageJsonSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  type: z.literal('module'),
  engines: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()),
  devDependencies: z.record(z.string(), z.string()).optional(),
  allowScripts: z.record(z.string(), z.boolean()).optional(),
});

const lockSchema = z.looseObject({
  lockfileVersion: z.number().int().min(2),
  packages: z.record(z.string(), z.looseObject({ dev: z.boolean().optional() })),
});

export type StagedPackageJson = {
  name: string;
  version: string;
  description?: string;
  private: true;
  type: 'module';
  main: string;
  engines: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

/** A lockfile validated once, with the entries a production install keeps. */
export interface RuntimeLock {
  lock: z.infer<typeof lockSchema>;
  /** [path, entry] of every package installed without devDependencies (root excluded). */
  runtime: Array<[string, unknown]>;
}

/** Parses package-lock.json once; the filter for dev-only entries lives only here. */
export function parseRuntimeLock(lockSource: unknown): RuntimeLock {
  const lock = lockSchema.parse(lockSource);
  const runtime = Object.entries(lock.packages).filter(
    ([path, entry]) => path !== '' && !entry.dev,
  );
  return { lock, runtime };
}

const lockEntrySchema = z.looseObject({
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
});

/** Where Node (and npm) finds package `name` required from the package at `from`. */
function resolveInLock(packages: Record<string, unknown>, from: string, name: string) {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (dir === '') return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/**
 * The lockfile restricted to what `dependencies` reach (dependencies, optional and peer
 * dependencies, resolved the way Node resolves them): dropping a root dependency drops
 * the packages only it needed.
 */
export function reachableLock(
  { lock, runtime }: RuntimeLock,
  dependencies: Record<string, string>,
): RuntimeLock {
  const packages = Object.fromEntries(runtime) as Record<string, unknown>;
  const keep = new Set<string>();
  const queue: Array<[string, string]> = Object.keys(dependencies).map((n) => ['', n]);
  while (queue.length > 0) {
    const [from, name] = queue.pop()!;
    const path = resolveInLock(packages, from, name);
    if (path === undefined || keep.has(path)) continue;
    keep.add(path);
    const entry = lockEntrySchema.parse(packages[path]);
    for (const deps of [entry.dependencies, entry.optionalDependencies, entry.peerDependencies]) {
      for (const dep of Object.keys(deps ?? {})) queue.push([path, dep]);
    }
  }
  return { lock, runtime: runtime.filter(([path]) => keep.has(path)) };
}

/** Names of the packages a lockfile installs without devDependencies. */
export function runtimePackages({ runtime }: RuntimeLock): Set<string> {
  return new Set(
    runtime.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  );
}

/**
 * The package.json Cloud Build sees: runtime dependencies only, nothing to build. Install
 * scripts stay allowed for the runtime packages that had them allowed (`runtime`).
 */
export function stagedPackageJson(source: unknown, runtime: Set<string>): StagedPackageJson {
  const pkg = packageJsonSchema.parse(source);
  const dependencies = Object.fromEntries(
    Object.entries(pkg.dependencies).filter(([name]) => !LOCAL_ONLY_DEPENDENCIES.includes(name)),
  );
  const allowScripts = Object.fromEntries(
    Object.entries(pkg.allowScripts ?? {}).filter(([name]) => runtime.has(name)),
  );
  return {
    name: pkg.name,
    version: pkg.version,
    ...(pkg.description ? { description: pkg.description } : {}),
    private: true,
    type: 'module',
    main: STAGED_MAIN,
    // The functions run on the nodejs24 runtime; the repository's own engines only say what
    // can run npm (the scripts bring Node 24 as a devDependency).
    engines: { node: '>=24' },
    scripts: {
      // Empty: the Node.js buildpack skips the build step (dist/ is already compiled).
      'gcp-build': '',
      start: 'functions-framework',
    },
    dependencies,
    ...(Object.keys(allowScripts).length > 0 ? { allowScripts } : {}),
  };
}

/** The lockfile for the staged package.json: same versions, dev-only packages dropped. */
export function stagedLockfile({ lock, runtime }: RuntimeLock, pkg: StagedPackageJson): unknown {
  const packages: Record<string, unknown> = {
    '': {
      name: pkg.name,
      version: pkg.version,
      dependencies: pkg.dependencies,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of runtime) packages[path] = entry;
  return { ...lock, name: pkg.name, version: pkg.version, packages };
}

/** Whether a file or folder exists (any stat error counts as no). */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export interface StageResult {
  outDir: string;
  packageJson: StagedPackageJson;
  /** Lockfile paths (`node_modules/...`) of every package the staged lockfile installs. */
  installs: string[];
}

/** Builds the staging folder from a built checkout (`npm run build` ran in `root`). */
export async function stagePackage(root: string, outDir: string): Promise<StageResult> {
  if (!(await exists(join(root, STAGED_MAIN)))) {
    throw new Error(`${STAGED_MAIN} is missing in ${root}: run npm run build first`);
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  for (const dir of STAGED_DIST) {
    await cp(join(root, dir), join(outDir, dir), {
      recursive: true,
      // Source maps point at TypeScript files that are not shipped.
      filter: (path) => !path.endsWith('.map'),
    });
  }
  const sourceLock = parseRuntimeLock(
    JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')),
  );
  const fullPkg = stagedPackageJson(
    JSON.parse(await readFile(join(root, 'package.json'), 'utf8')),
    runtimePackages(sourceLock),
  );
  const reachable = reachableLock(sourceLock, fullPkg.dependencies);
  // allowScripts only for packages that are still installed.
  const pkg = stagedPackageJson(
    JSON.parse(await readFile(join(root, 'package.json'), 'utf8')),
    runtimePackages(reachable),
  );
  const lock = stagedLockfile(reachable, pkg);
  await writeFile(join(outDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  await writeFile(join(outDir, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
  return { outDir, packageJson: pkg, installs: reachable.runtime.map(([path]) => path) };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const outDir = resolve(process.argv[2] ?? STAGE_DIR);
  stagePackage(process.cwd(), outDir).then(
    async (staged) => {
      const report = await measureStage(staged, process.cwd());
      process.stderr.write(`staged the function source in ${outDir}\n${formatSizes(report)}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
