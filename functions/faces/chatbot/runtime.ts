// Everything the chatbot function needs, built once per instance on the first request
// (not at import: a cold start loads no client it does not use). Spotify, the Send API
// client and the warehouse adapters are imported only when first needed.
import { lazy } from '../../platform/lazy.js';
import type { Logger } from '../../platform/logger.js';
import type { Services } from '../../platform/runtime.js';
import type { Secrets } from '../../platform/secrets.js';
import { loadChatbotConfig, type ChatbotConfig } from './config.js';
import { ChatEngine, realTimer, type Timer } from './engine.js';
import { IndexProvider, type SnapshotSource } from './index-loader.js';
import { LocalSpotifyPenalty, type SpotifyPenalty } from './live-guard.js';
import { queueCollect, spotifyLiveSearch, type Collect, type LiveSearch } from './live.js';
import { recordResolution } from '../../sources/spotify/chatbot/resolutions.js';
import { readPointer, readSnapshot } from '../../sources/spotify/chatbot/snapshot.js';
import type { MessengerSender } from './messenger-send.js';

export interface ChatRuntime {
  readonly config: ChatbotConfig;
  readonly engine: ChatEngine;
  readonly index: IndexProvider;
  readonly log: Logger;
  readonly timer: Timer;
  secrets(): Promise<Secrets>;
  sender(): Promise<MessengerSender>;
  /** True the first time a Messenger message id is seen (retried deliveries repeat ids). */
  isNewMessage(mid: string): boolean;
}

export interface ChatRuntimeOptions {
  timer?: Timer;
  sender?: MessengerSender;
  /** null: no live search (the CLI with --offline; tests of the unknown-artist text). */
  liveSearch?: LiveSearch | null;
  collect?: Collect | null;
  /** The Spotify rate-limit penalty (default: this instance's own). */
  penalty?: SpotifyPenalty;
  /** false: no snapshot, the index is always built from the warehouse. */
  snapshots?: boolean;
}

const MESSAGE_IDS_KEPT = 10_000;

export function createChatRuntime(
  services: Services,
  options: ChatRuntimeOptions = {},
): ChatRuntime {
  const config = loadChatbotConfig(services.env);
  const log = services.log.child({ component: 'chatbot' });
  const timer = options.timer ?? realTimer;
  const snapshots: SnapshotSource = {
    pointer: async () => readPointer(await services.state()),
    load: async (pointer) =>
      readSnapshot(await services.rawStore(), await services.state(), pointer),
  };
  const index = new IndexProvider(
    () => services.warehouse(),
    services.clock,
    config.indexTtlMs,
    log,
    options.snapshots === false ? null : snapshots,
  );
  const liveSearch =
    options.liveSearch === undefined
      ? spotifyLiveSearch(services, config.liveSearchBudgetMs)
      : options.liveSearch;
  const collect =
    options.collect === undefined
      ? queueCollect(
          () => services.queue(),
          services.clock,
          log,
          () => services.state(),
        )
      : options.collect;
  const engine = new ChatEngine({
    config,
    index: () => index.get(),
    loadedIndex: () => index.peek(),
    liveSearch,
    collect,
    timer,
    log,
    clock: services.clock,
    penalty: options.penalty ?? new LocalSpotifyPenalty(services.clock),
    learn: (name, artistId) => index.learn(name, artistId),
    remember: async (alias) => recordResolution(await services.rawStore(), alias),
  });
  const given = options.sender;
  const sender = lazy(async () => {
    if (given) return given;
    const { SendApiClient } = await import('./messenger-send.js');
    return new SendApiClient(config.graphBaseUrl, services.config.http, services.clock, async () =>
      (await services.secrets()).get('messenger-page-token'),
    );
  });
  const seen = new Set<string>();
  return {
    config,
    engine,
    index,
    log,
    timer,
    secrets: () => services.secrets(),
    sender,
    isNewMessage: (mid) => {
      if (seen.has(mid)) return false;
      // Oldest ids go first: a Set iterates in insertion order.
      if (seen.size >= MESSAGE_IDS_KEPT) seen.delete(seen.values().next().value!);
      seen.add(mid);
      return true;
    },
  };
}
