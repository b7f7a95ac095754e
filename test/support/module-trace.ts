// Preloaded with `node --import` into a function's process: appends the URL of every
// module the process loads (ESM imports and CommonJS requires alike, through Node's
// synchronous module hooks) to the file FANPULSE_MODULE_TRACE names, one per line, as it
// loads; so the list is complete even if the process is killed afterwards.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const trace = process.env.FANPULSE_MODULE_TRACE;
if (trace) {
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) appendFileSync(trace, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
