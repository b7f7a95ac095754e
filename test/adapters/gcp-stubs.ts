// GCP adapters wired to the local stubs: the real client libraries, pointed at loopback.
import type { BigQueryOptions } from '@google-cloud/bigquery';
import { GcsRawStore } from '../../functions/platform/raw-store-gcs.js';
import { GcsStateStore } from '../../functions/platform/state-gcs.js';
import { BigQueryWarehouse } from '../../functions/platform/warehouse-bigquery.js';
import { BigQueryStub } from '../sandbox/bigquery-stub.js';
import { GcsStub } from '../sandbox/gcs-stub.js';

export const PROJECT = 'fanpulse-test';
export const DATASET = 'fanpulse';
export const BUCKET = 'fanpulse-raw-test';

/**
 * BigQuery always authenticates, even against a custom endpoint; a fixed bearer token
 * stands in for Application Default Credentials (there is no metadata server here).
 */
const fixedToken = {
  getRequestHeaders: async () => new Headers({ authorization: 'Bearer stub-token' }),
  getProjectId: async () => PROJECT,
  getUniverseDomain: async () => 'googleapis.com',
  universeDomain: 'googleapis.com',
};

export interface GcpStubs {
  gcs: GcsStub;
  bigquery: BigQueryStub;
  rawStore: GcsRawStore;
  state: GcsStateStore;
  warehouse: BigQueryWarehouse;
  close(): Promise<void>;
}

/** The real GCP adapters pointed at stubs listening at these URLs (any process). */
export function gcpAdapters(urls: { gcs: string; bigquery: string }): {
  rawStore: GcsRawStore;
  state: GcsStateStore;
  warehouse: BigQueryWarehouse;
} {
  const storage = { apiEndpoint: urls.gcs, retryOptions: { autoRetry: false } };
  return {
    rawStore: new GcsRawStore({ bucket: BUCKET, projectId: PROJECT, clientOptions: storage }),
    state: new GcsStateStore({
      bucket: BUCKET,
      projectId: PROJECT,
      prefix: 'state/',
      clientOptions: storage,
    }),
    warehouse: new BigQueryWarehouse({
      projectId: PROJECT,
      dataset: DATASET,
      location: 'US',
      clientOptions: {
        apiEndpoint: urls.bigquery,
        authClient: fixedToken,
        autoRetry: false,
      } as unknown as BigQueryOptions,
    }),
  };
}

/** `now` is the clock BigQuery's insertId dedup window runs on (default: real time). */
export async function startGcpStubs(now?: () => number): Promise<GcpStubs> {
  const gcs = new GcsStub(BUCKET);
  const bigquery = new BigQueryStub(PROJECT, DATASET, now);
  await gcs.start();
  await bigquery.start();
  return {
    gcs,
    bigquery,
    ...gcpAdapters({ gcs: gcs.url, bigquery: bigquery.url }),
    close: async () => {
      await gcs.stop();
      await bigquery.close();
    },
  };
}
