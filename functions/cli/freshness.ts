// The CLI runs compiled code from dist/. In a checkout, a source edited since the last build
// would silently run the old code, so before loading anything else the CLI compares each
// functions/ and schemas/ source with its compiled file and rebuilds when one is newer
// (or refuses, when TypeScript is not installed). A deployed package has no sources: no check.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCE_DIRS = ['functions', 'schemas'];

/** The first source (relative to root) whose compiled file is missing or older, if any. */
export function staleSource(root: string): string | null {
  for (const dir of SOURCE_DIRS) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      const source = join(entry.parentPath, entry.name);
      const rel = relative(root, source);
      const built = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) return rel;
    }
  }
  return null;
}

/**
 * Rebuilds when a source is newer than dist/. Returns null when the build is current (or was
 * rebuilt), else one line saying what to do.
 */
export function ensureFreshBuild(root: string, log: (line: string) => void): string | null {
  if (!existsSync(join(root, 'functions', 'cli.ts'))) return null;
  const stale = staleSource(root);
  if (!stale) return null;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc))
    return `${stale} changed since the last build and TypeScript is not installed: run npm install, then npm run build`;
  log(`fanpulse: ${stale} changed since the last build; rebuilding (npm run build)...`);
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  return built.status === 0
    ? null
    : 'the build failed (the TypeScript errors are above): fix them and run the command again';
}
