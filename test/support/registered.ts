// What functions/index.js registers with functions-framework: each entry point of
// functions/faces/entry-points.ts, looked up in the framework's own registry after the
// index has been imported (the same instance `functions-framework --target` serves from).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { entryPoints, type EntryPoint } from '../../functions/faces/entry-points.js';

interface FrameworkRegistry {
  getRegisteredFunction(name: string): { signatureType: string } | undefined;
}

/** The entry points index.js registered, with the signature type the framework holds. */
export async function registeredEntryPoints(): Promise<
  Array<{ name: string; signatureType: EntryPoint['signatureType'] | 'missing' }>
> {
  const index = new URL('../../functions/index.js', import.meta.url);
  await import(index.href);
  // The registry module is not in the package's exports: reach it by its file path, next to
  // the package's main module (the same file the index registered its functions in).
  const require = createRequire(index);
  const main = require.resolve('@google-cloud/functions-framework');
  const registry = require(join(dirname(main), 'function_registry.js')) as FrameworkRegistry;
  return entryPoints.map((e) => {
    const found = registry.getRegisteredFunction(e.name)?.signatureType;
    return {
      name: e.name,
      signatureType: found === 'http' || found === 'cloudevent' ? found : 'missing',
    };
  });
}
