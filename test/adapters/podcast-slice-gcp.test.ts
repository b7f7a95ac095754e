// The podcast slice end to end through the cloud adapters (Cloud Storage raw store and
// state, BigQuery warehouse, Secret Manager), compared with the same run on the local ones.
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeClock } from '../../functions/platform/clock.js';
import { Redactor } from '../../functions/platform/logger.js';
import { SecretManagerSecrets } from '../../functions/platform/secrets-gcp.js';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startGcpStubs, type GcpStubs } from './gcp-stubs.js';

const message = {
  job: 'spotify.podcast_episodes',
  params: { showId: DATA_HACKERS_ID, terms: ['Grupo Boticário'] },
};
const latest = `SELECT episode_id, show_id, name, release_date, duration_ms, explicit, run_id
  FROM latest_spotify_episodes ORDER BY episode_id`;

describe('podcast slice through the GCP adapters', () => {
  let stubs: GcpStubs;
  let cloud: Harness;
  let local: Harness;
  const secretCalls: string[] = [];

  before(async () => {
    stubs = await startGcpStubs();
    local = await startHarness();
    const creds = local.sandbox.env();
    const secrets = new SecretManagerSecrets({
      projectId: 'fanpulse-test',
      version: 'latest',
      cacheSeconds: 300,
      redactor: new Redactor(),
      clock: new FakeClock('2026-11-20T10:00:00Z'),
      client: {
        accessSecretVersion: async ({ name }) => {
          secretCalls.push(name);
          const id = /secrets\/([^/]+)\//.exec(name)?.[1];
          const value =
            id === 'spotify-client-id' ? creds.SPOTIFY_CLIENT_ID : creds.SPOTIFY_CLIENT_SECRET;
          return [{ payload: { data: Buffer.from(value ?? '') } }];
        },
      },
    });
    cloud = await startHarness({
      env: { SPOTIFY_CLIENT_ID: '', SPOTIFY_CLIENT_SECRET: '' },
      overrides: {
        rawStore: stubs.rawStore,
        warehouse: stubs.warehouse,
        state: stubs.state,
        secrets,
      },
    });
  });
  after(async () => {
    await cloud?.close();
    await local?.close();
    await stubs?.close();
  });

  it('lands the same raw objects and rows as the local adapters, and a rerun changes nothing', async () => {
    const onCloud = await cloud.run(message, 'run-gcp-1');
    const onLocal = await local.run(message, 'run-gcp-1');
    expect(onCloud.outcome).to.equal('succeeded');
    expect(onCloud.rows).to.deep.equal(onLocal.rows);
    expect(secretCalls).to.have.members([
      'projects/fanpulse-test/secrets/spotify-client-id/versions/latest',
      'projects/fanpulse-test/secrets/spotify-client-secret/versions/latest',
    ]);

    // Same object names, same bytes, in the bucket and in the folder.
    expect(onCloud.rawObjects).to.deep.equal(onLocal.rawObjects);
    // The two sandboxes differ only in their loopback port.
    const unported = (text: string | undefined) => text?.replace(/127\.0\.0\.1:\d+/g, 'sandbox');
    for (const path of onLocal.rawObjects)
      expect(unported(stubs.gcs.text(path))).to.equal(
        unported(await readFile(join(local.dataDir, path), 'utf8')),
      );

    // Same typed rows in BigQuery (read back through the adapter's query) and in DuckDB.
    const cloudRows = await cloud.query(latest);
    expect(cloudRows).to.have.length(137);
    expect(cloudRows).to.deep.equal(await local.query(latest));
    const inserted = stubs.bigquery.inserts.filter((c) => c.table === 'spotify_episodes');
    expect(inserted.every((c) => c.rows <= 500)).to.equal(true);

    // A redelivery run again on request rewrites the same objects and adds no row.
    const generations = onCloud.rawObjects.map((p) => stubs.gcs.objects.get(p)!.generation);
    // (Within BigQuery's insertId dedup window: the stub keeps it as BigQuery does.)
    const before = stubs.bigquery.accepted.get('spotify_episodes');
    const again = await cloud.rerun(message, 'run-gcp-1');
    expect(again.rawObjects).to.deep.equal(onCloud.rawObjects);
    for (const [i, path] of onCloud.rawObjects.entries())
      expect(stubs.gcs.objects.get(path)!.generation).to.be.greaterThan(generations[i]!);
    expect(stubs.bigquery.accepted.get('spotify_episodes')).to.equal(before);
    expect(await cloud.query(latest)).to.deep.equal(cloudRows);
    // The completion marker lives in the GCS state store.
    expect([...stubs.gcs.objects.keys()].some((k) => k.startsWith('state/runs/'))).to.equal(true);
  });
});
