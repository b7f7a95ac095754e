// One Services per function instance, shared by every face served in the process (the
// Pub/Sub job functions, events, chatbot): created on the first request (not at import, so
// a cold start loads no client library it does not use) and reused by every later one,
// which keeps tokens, secret caches and warehouse connections warm.
import type { WarehouseSchema } from '../../schemas/define.js';
import { createServices, type CreateServicesOptions, type Services } from '../platform/runtime.js';

let current: Services | undefined;

/**
 * The process's Services. `schema` is what a local DuckDB warehouse creates: the tables of
 * the sources the calling face serves (the first caller's; `npm run dev`, which serves every
 * face in one process, installs services with every table first).
 */
export function processServices(
  schema: WarehouseSchema | (() => Promise<WarehouseSchema>),
): Services {
  current ??= createServices(processServicesOptions(process.env, schema));
  return current;
}

/** The options the process's Services are made with (`fanpulse dev` reuses them). */
export function processServicesOptions(
  env: NodeJS.ProcessEnv,
  schema: NonNullable<CreateServicesOptions['schema']>,
): CreateServicesOptions {
  return {
    env,
    labels: { service: env.K_SERVICE ?? env.FUNCTION_TARGET ?? 'fanpulse' },
    schema,
  };
}

/** Tests and `fanpulse dev` swap in their own services (undefined: back to the default). */
export function setProcessServices(services: Services | undefined): void {
  current = services;
}
