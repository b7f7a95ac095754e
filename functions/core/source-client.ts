// One API client per source per process (per Services): tokens, usage readings and any
// block a throttling answer started survive across runs of a warm function instance. And
// the run's API-call count, taken from the client's own counter around each piece of work.
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
      const before = client.calls;
      try {
        return await work(client);
      } finally {
        ctx.countCalls(source, client.calls - before);
      }
    },
  };
}
