// One API client per source per process (per Services): tokens, usage readings and any
// block a throttling answer started survive across runs of a warm function instance. And
// the run's API-call count: the requests the HTTP policy counted for this run (concurrent runs
// of one instance share the client, so its own counter cannot tell them apart).
import { requestsOfRun } from '../platform/run-scope.js';
import type { Services } from '../platform/runtime.js';
import type { JobContext } from './job.js';

/** A client that counts the requests it sent. */
export interface CountingClient {
  readonly calls: number;
}

export interface SourceClient<C extends CountingClient> {
  /** The process's client, made on first use from `services`. */
  clientFor(services: Services): Promise<C>;
  /** Runs `work` with the client and adds the requests it sent to the run's count. */
  withClient<T>(ctx: JobContext, work: (client: C) => Promise<T>): Promise<T>;
}

export function sourceClient<C extends CountingClient>(
  source: string,
  make: (services: Services) => Promise<C>,
  /** HTTP sources (createSourceHttp `source`) whose requests count for the run. */
  httpSources: readonly string[] = [source],
): SourceClient<C> {
  const clients = new WeakMap<Services, Promise<C>>();
  const clientFor = (services: Services): Promise<C> => {
    let client = clients.get(services);
    if (!client) {
      client = make(services);
      clients.set(services, client);
    }
    return client;
  };
  return {
    clientFor,
    withClient: async (ctx, work) => {
      const client = await clientFor(ctx.services);
      const sent = () => requestsOfRun(httpSources, () => client.calls);
      const before = sent();
      try {
        return await work(client);
      } finally {
        ctx.countCalls(source, sent() - before);
      }
    },
  };
}
