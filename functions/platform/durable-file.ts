// Local files that survive a crash once written: the data is flushed to disk before the
// temp file is renamed into place, and the directory entries (the rename, and directories
// just made) are flushed after, so a run that reports success has its raw objects,
// markers and state on disk, not only in the page cache. Temp files of a killed process
// (`<name>.tmp-<pid>-…`) are removed by the next process that opens the same folder.
import { open, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** fsync of a directory: makes the names in it (a rename, a new file) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or sync a directory; there is nothing more to do.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES')
      throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Syncs the directory of `file` and, when `created` (what mkdir -p returned: the first
 * directory it made) is set, every directory from there up to its parent, so new
 * directories are reachable after a crash too.
 */
export async function syncParents(file: string, created: string | undefined): Promise<void> {
  const dirs = [dirname(file)];
  if (created) {
    for (let d = dirname(file); d !== created && d !== dirname(d); d = dirname(d)) {
      if (!dirs.includes(d)) dirs.push(d);
    }
    dirs.push(created, dirname(created));
  }
  for (const dir of new Set(dirs)) await syncDirectory(dir);
}

/** The temp name next to `target` for this process (its pid is how the next start tells). */
export function tempNameFor(target: string, unique = ''): string {
  return `${target}.tmp-${process.pid}${unique ? `-${unique}` : ''}`;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files under `root` left by processes that no longer run (a run killed
 * between writing and renaming). Files of live processes, this one included, are kept.
 */
export async function removeStaleTemps(root: string): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const pid = /\.tmp-(\d+)(?:-[^/]*)?$/.exec(entry.name)?.[1];
        if (pid !== undefined && !alive(Number(pid))) {
          await rm(full, { force: true });
          removed.push(relative(root, full).split(sep).join('/'));
        }
      }
    }
  };
  await walk(root);
  return removed.sort();
}
