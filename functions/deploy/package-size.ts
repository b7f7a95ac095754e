// What `npm run package` reports: the size of the staged source and of the dependencies
// Cloud Build will install for it. The dependency size is measured on the packages this
// checkout installed (`npm ci`), at exactly the paths and versions the staged lockfile
// pins; platform-specific optional packages may differ on Cloud Build's Linux image.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface StageSizes {
  sourceBytes: number;
  sourceFiles: number;
  dependencyBytes: number;
  dependencyPackages: number;
  /** Lockfile paths the checkout has not installed (not measured). */
  notInstalled: string[];
}

/** Bytes and files under `dir`, not descending into folders `skip` returns true for. */
export async function folderSize(
  dir: string,
  skip: (name: string) => boolean = () => false,
): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!skip(entry.name)) pending.push(path);
      } else {
        bytes += (await lstat(path)).size;
        files += 1;
      }
    }
  }
  return { bytes, files };
}

/** What measureStage reads of a staged package (package.ts StageResult). */
export interface StagedFolder {
  outDir: string;
  /** Lockfile paths (`node_modules/...`) of every package the staged lockfile installs. */
  installs: readonly string[];
}

export async function measureStage(staged: StagedFolder, root: string): Promise<StageSizes> {
  const source = await folderSize(staged.outDir);
  let dependencyBytes = 0;
  const notInstalled: string[] = [];
  for (const path of staged.installs) {
    // Nested node_modules are packages of their own, counted by their own entry.
    const size = await folderSize(join(root, path), (name) => name === 'node_modules').catch(
      () => undefined,
    );
    if (size) dependencyBytes += size.bytes;
    else notInstalled.push(path);
  }
  return {
    sourceBytes: source.bytes,
    sourceFiles: source.files,
    dependencyBytes,
    dependencyPackages: staged.installs.length,
    notInstalled,
  };
}

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

export function formatSizes(s: StageSizes): string {
  const lines = [
    `staged source: ${megabytes(s.sourceBytes)} in ${s.sourceFiles} files`,
    `runtime dependencies: ${megabytes(s.dependencyBytes)} in ${s.dependencyPackages} packages (as installed in ./node_modules)`,
  ];
  if (s.notInstalled.length > 0) {
    lines.push(`not installed here, not counted: ${s.notInstalled.join(', ')}`);
  }
  return lines.join('\n');
}
