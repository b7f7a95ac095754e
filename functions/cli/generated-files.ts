// Files generated from the code (schemas, Terraform exports): write the ones that differ,
// or with --check only report them. `fanpulse schemas` and `fanpulse schedules` use it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SyncedFile {
  path: string;
  /** same: already as generated; stale: differs (check only); written: rewritten. */
  state: 'same' | 'stale' | 'written';
}

export async function syncGeneratedFiles(
  files: ReadonlyMap<string, string>,
  check: boolean,
): Promise<SyncedFile[]> {
  const synced: SyncedFile[] = [];
  for (const [path, wanted] of files) {
    const current = await readFile(path, 'utf8').catch(() => null);
    if (current === wanted) {
      synced.push({ path, state: 'same' });
    } else if (check) {
      synced.push({ path, state: 'stale' });
    } else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, wanted);
      synced.push({ path, state: 'written' });
    }
  }
  return synced;
}
