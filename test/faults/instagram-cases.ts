import { expect } from 'chai';
import { graphError, SANDBOX_IG_USER_ID } from '../sandbox/instagram/server.js';
import type { Fault } from '../sandbox/http-sandbox.js';
import { startInstagramHarness, type InstagramHarness } from '../instagram/support.js';
import type { FaultCase, InFlight } from './framework.js';
import { partiallyFailingWarehouse, rawStoreFailingOnce } from './failing-stores.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { LocalRawStore } from '../../functions/platform/raw-store.js';
import { catalog } from '../../functions/sources/all.js';

const BD = `/v24.0/${SANDBOX_IG_USER_ID}`;
const MEDIA = /\/recent_media$/;
const SEARCH = '/v24.0/ig_hashtag_search';
const brands = {
  job: 'instagram.brands',
  params: { accounts: ['hermes', 'dior', 'gucci'], mediaPages: 2 },
};
const hashtags = { job: 'instagram.hashtags', params: { hashtags: ['gucci', 'dior', 'prada'] } };
// Each job twice: the second delivery is the next scheduled run, which is how items skipped
// on purpose (code 100, a malformed page) come back; a clean run makes it too.
const messages = [brands, hashtags, brands, hashtags];
const views = [
  { view: 'latest_instagram_brands', key: ['user_id'] },
  { view: 'latest_instagram_media', key: ['media_id'] },
  { view: 'latest_instagram_hashtags', key: ['hashtag'] },
  { view: 'latest_instagram_hashtag_media', key: ['hashtag', 'media_id'] },
];

interface Scenario {
  name: string;
  faults: Fault[];
  redeliveries?: number;
  inFlight?: InFlight;
  /** Arms a fault outside the sandbox (a store that fails). */
  arm?: (h: InstagramHarness) => Promise<void> | void;
  /** The item is skipped on purpose in these runs and comes back in the next ones. */
  skipsItemIn?: readonly string[];
}

const BRANDS_RUNS = ['fault-run-0', 'fault-run-2'];
const HASHTAG_RUNS = ['fault-run-1', 'fault-run-3'];
const inRuns = (id: string, runs: readonly string[]) =>
  runs.some((run) => id.includes(`|${run}`) || id.includes(`/${run}|`));

const throttle = (code: number, path: string | RegExp): Scenario => ({
  name: `code ${code} (rate limit)`,
  faults: [{ path, answer: graphError(code, { regainMinutes: 10 }) }],
});

const scenarios: Scenario[] = [
  throttle(4, BD),
  throttle(17, MEDIA),
  throttle(32, BD),
  throttle(613, MEDIA),
  throttle(80001, SEARCH),
  throttle(80002, MEDIA),
  {
    name: 'code 190 token expired (fixed, then rerun)',
    faults: [{ path: MEDIA, answer: graphError(190, { subcode: 463 }) }],
  },
  {
    name: 'code 100 "does not exist" on a hashtag (skipped)',
    faults: [
      {
        path: MEDIA,
        answer: graphError(100, { subcode: 33, message: "Object with ID '1' does not exist" }),
      },
    ],
    skipsItemIn: HASHTAG_RUNS,
  },
  {
    name: 'code 100 "not a business account" (skipped)',
    faults: [
      {
        path: BD,
        answer: graphError(100, { message: 'The user is not an Instagram Business account' }),
      },
    ],
    skipsItemIn: BRANDS_RUNS,
  },
  {
    name: 'code 100 invalid parameter (run fails, next run)',
    faults: [{ path: BD, answer: graphError(100, { message: 'Invalid parameter' }) }],
  },
  { name: 'code 2 transient ×2', faults: [{ path: MEDIA, times: 2, answer: graphError(2) }] },
  {
    name: 'HTTP 500 ×3',
    faults: [{ path: BD, times: 3, answer: { status: 500, body: { error: { message: 'oops' } } } }],
  },
  {
    name: 'HTTP 503 beyond the retry limit',
    faults: [{ path: MEDIA, times: 6, answer: { status: 503, rawBody: 'Service Unavailable' } }],
  },
  { name: 'connection reset ×2', faults: [{ path: MEDIA, times: 2, reset: true }] },
  { name: 'connection reset on business discovery', faults: [{ path: BD, times: 2, reset: true }] },
  {
    name: 'truncated JSON',
    faults: [{ path: MEDIA, answer: { status: 200, rawBody: '{"data":[{"id":"18' } }],
  },
  {
    name: 'JSON of the wrong shape',
    faults: [
      {
        path: BD,
        answer: { status: 200, body: { id: SANDBOX_IG_USER_ID, business_discovery: 'none' } },
      },
    ],
    skipsItemIn: BRANDS_RUNS,
  },
  {
    // Rows refused mid-run: the hashtag's state must not count them as written.
    name: 'warehouse partial insert failure (hashtag media)',
    faults: [],
    arm: async (h) => {
      const inner = await openDuckDbWarehouse(':memory:', catalog.schema);
      const warehouse = partiallyFailingWarehouse(inner, 'instagram_hashtag_media', 7);
      h.services.warehouse = async () => warehouse;
    },
  },
  {
    // The 2nd answer of the first hashtag run (brands run 0 lands 6).
    name: 'raw-store write failure mid-run (hashtags)',
    faults: [],
    arm: (h) => {
      const store = rawStoreFailingOnce(new LocalRawStore(h.dataDir), 8);
      h.services.rawStore = async () => store;
    },
  },
  { name: 'Pub/Sub redelivery ×3', faults: [], redeliveries: 3 },
  { name: 'killed mid-run, redelivered', faults: [], inFlight: { mode: 'killed', afterLines: 4 } },
  {
    name: 'held mid-run while a second delivery runs',
    faults: [],
    inFlight: { mode: 'overlapping', afterLines: 4 },
  },
];

const sandbox = { hashtags: { gucci: 60, dior: 6, prada: 6 } };
const env = { FANPULSE_HTTP_RETRIES: '3', FANPULSE_HTTP_TIMEOUT_MS: '2000' };

/** The Instagram collectors under every scenario, each with the reference's run ids. */
export const instagramFaultCases = (): Array<FaultCase<InstagramHarness>> =>
  scenarios.map((scenario): FaultCase<InstagramHarness> => ({
    title: scenario.name,
    collector: 'instagram',
    scenario: scenario.name,
    views,
    messages,
    redeliveries: scenario.redeliveries,
    inFlight: scenario.inFlight,
    tolerated: {
      why: 'skipped items come back in the next run (whose requests differ, one may repeat)',
      match: (id) => inRuns(id, scenario.skipsItemIn ?? []),
    },
    start: () => startInstagramHarness({ sandbox, env }),
    apiCalls: (h) => h.sandbox.apiCalls(),
    arm: async (faulted) => {
      for (const fault of scenario.faults) faulted.sandbox.inject(fault);
      await scenario.arm?.(faulted);
    },
    verify: async (report, faulted) => {
      // Every injected fault must have been met.
      if (scenario.faults.length > 0)
        expect(
          faulted.sandbox.log.some((r) => r.faulted),
          'the fault must bite',
        ).to.equal(true);
      if (scenario.arm) expect(report.outcomes, 'the store fault must bite').to.include('failed');
      const [rows] = await faulted.query(
        'SELECT count(*) AS n FROM latest_instagram_hashtag_media',
      );
      expect(Number(rows?.n)).to.be.greaterThan(100);
    },
  }));
