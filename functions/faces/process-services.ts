// One Services per function instance: created on the first delivery (not at import, so a
// cold start loads no client library it does not use) and reused by every later delivery,
// which keeps tokens, secret caches and warehouse connections warm.
import { createServices, type Services } from '../platform/runtime.js';

let current: Services | undefined;

export function processServices(): Services {
  current ??= createServices({
    env: process.env,
    labels: { service: process.env.K_SERVICE ?? process.env.FUNCTION_TARGET ?? 'fanpulse' },
  });
  return current;
}

/** Tests swap in their own services (sandbox env, captured logs, in-memory warehouse). */
export function setProcessServices(services: Services | undefined): void {
  current = services;
}
