// Runs the collectors with recognisable fake secrets, including faults that make sources
// echo credentials back and runs that fail, then scans every log line, raw object, state
// document and warehouse row: 0 occurrences of any secret or access token.
import { expect } from 'chai';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from '../sandbox/spotify/server.js';
import { startHarness } from '../support/harness.js';
import {
  basicCredential,
  filesUnder,
  findLeaks,
  warehouseText,
  type Written,
} from '../support/hygiene.js';
import { startCatalogueHarness } from '../spotify-catalogue/support.js';

const AUDITED_TABLES = [
  'job_runs',
  'data_quality',
  'spotify_shows',
  'spotify_episodes',
  'spotify_artists',
];

describe('secret hygiene: no secret in logs, raw objects, state or rows', function () {
  this.timeout(120_000);

  it('Spotify collectors, with echoed credentials, token refreshes and failing runs', async () => {
    const h = await startHarness();
    const c = await startCatalogueHarness({ catalogue: knownCatalogue() });
    const written: Written[] = [];
    try {
      // A source that echoes the client secret: in a 200 answer (landed raw) and in a 400
      // error message (which becomes the run's error: logged and stored in job_runs).
      h.sandbox.inject({
        path: `/v1/shows/${DATA_HACKERS_ID}/episodes`,
        answer: {
          status: 200,
          body: { items: 'none', echo: `client_secret=${SANDBOX_CLIENT_SECRET}&x=1` },
        },
      });
      h.sandbox.inject({
        path: '/v1/search',
        answer: {
          status: 400,
          body: { error: { status: 400, message: `bad key ${SANDBOX_CLIENT_SECRET}` } },
        },
      });
      await h.run({ job: 'spotify.podcast_shows', params: { limit: 20 } });
      await h.run({ job: 'spotify.podcast_shows', params: { limit: 20 } });
      await h.run({ job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } });
      h.sandbox.expireTokens();
      await h.run({ job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } });
      // Runs that fail: a show that does not exist, a token endpoint that refuses.
      await h.run({
        job: 'spotify.podcast_episodes',
        params: { showName: 'No Such Show Anywhere' },
      });
      c.sandbox.inject({
        path: '/api/token',
        times: 10,
        answer: {
          status: 400,
          body: { error: 'invalid_client', error_description: `bad ${SANDBOX_CLIENT_SECRET}` },
        },
      });
      await c.run({ job: 'spotify.artist_search', params: { names: ['BTS'] } });
      c.sandbox.clearFaults();
      await c.drain({ job: 'spotify.artist_catalog', params: { artists: ['BTS', 'Coldplay'] } });

      const secrets = [
        SANDBOX_CLIENT_SECRET,
        basicCredential(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
        ...h.sandbox.issuedTokens(),
        ...c.sandbox.issuedTokens(),
      ];
      expect(h.sandbox.issuedTokens().length, 'the token was refreshed').to.be.greaterThan(1);
      written.push(
        ...h.logs.lines.map((text, i) => ({ where: `log line ${i}`, text })),
        ...c.logs.lines.map((text, i) => ({ where: `log line ${i}`, text })),
        ...(await filesUnder(h.dataDir)),
        ...(await filesUnder(c.dataDir)),
        ...(await warehouseText((sql) => h.query(sql), AUDITED_TABLES)),
        ...(await warehouseText((sql) => c.query(sql), AUDITED_TABLES)),
      );
      const leaks = findLeaks(written, secrets);
      console.log(
        `\nsecret hygiene (spotify): ${written.length} texts scanned, ${secrets.length} secrets, ${leaks.length} leaks\n`,
      );
      expect(written.filter((w) => w.where.includes('/raw/')).length).to.be.greaterThan(3);
      expect(leaks).to.deep.equal([]);
    } finally {
      await h.close();
      await c.close();
    }
  });
});
