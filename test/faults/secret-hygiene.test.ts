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
import { BRANDS, HASHTAGS, startInstagramHarness } from '../instagram/support.js';
import { graphError, SANDBOX_IG_USER_ID, SANDBOX_TOKEN } from '../sandbox/instagram/server.js';
import { CT_HMAC, signCalltracking, startEventsHarness, TOKENS } from '../events/support.js';
import {
  invoke,
  kakaoBody,
  messengerBody,
  SECRETS as CHAT_SECRETS,
  signed,
  SKILL_HEADER,
  startChatHarness,
  textEvent,
} from '../chatbot/support.js';

const AUDITED_TABLES = [
  'job_runs',
  'data_quality',
  'spotify_shows',
  'spotify_episodes',
  'spotify_artists',
];

/** Scans and reports; one line per area so the suite prints its counts. */
function audit(area: string, written: readonly Written[], secrets: readonly string[]): void {
  const leaks = findLeaks(written, secrets);
  console.log(
    `\nsecret hygiene (${area}): ${written.length} texts scanned, ${secrets.length} secrets, ${leaks.length} leaks`,
  );
  expect(leaks).to.deep.equal([]);
}

const logText = (lines: readonly string[]): Written[] =>
  lines.map((text, i) => ({ where: `log line ${i}`, text }));

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

  it('Instagram collectors, with tokens in paging URLs and an expired-token error', async () => {
    const h = await startInstagramHarness();
    try {
      await h.run(BRANDS);
      await h.run(HASHTAGS);
      h.clock.advance(3_600_000);
      h.sandbox.inject({
        path: `/v24.0/${SANDBOX_IG_USER_ID}`,
        answer: graphError(190, { message: `Error validating access token ${SANDBOX_TOKEN}` }),
      });
      const failed = await h.run(BRANDS);
      expect(failed.failureKind).to.equal('permanent');
      const written = [
        ...logText(h.logs.lines),
        ...(await filesUnder(h.dataDir)),
        ...(await warehouseText(
          (sql) => h.query(sql),
          ['job_runs', 'instagram_brands', 'instagram_media', 'instagram_hashtag_media'],
        )),
      ];
      expect(written.filter((w) => w.where.includes('/raw/')).length).to.be.greaterThan(1);
      audit('instagram', written, [SANDBOX_TOKEN]);
    } finally {
      await h.close();
    }
  });

  it('events function, with tokens in paths and headers, signatures and refused deliveries', async () => {
    const h = await startEventsHarness();
    try {
      const event = (id: string) => JSON.stringify({ appsflyer_id: id, event_name: 'install' });
      const json = 'application/json';
      const replies = [
        await h.send(`/appsflyer/${TOKENS.appsflyer}`, { body: event('a'), contentType: json }),
        await h.send('/appsflyer', {
          body: event('b'),
          contentType: json,
          headers: { authorization: `Bearer ${TOKENS.appsflyer}` },
        }),
        await h.send(`/appsflyer/${TOKENS.attribution}`, { body: event('c'), contentType: json }),
        await h.send(`/appsflyer/${TOKENS.appsflyer}`, {
          body: '{"broken',
          contentType: 'application/x-www-form-urlencoded',
        }),
      ];
      const call = JSON.stringify({ call_id: 'c-1', event: '통화 완료' });
      replies.push(
        await h.send('/calltracking', {
          body: call,
          contentType: json,
          headers: {
            'x-fanpulse-token': TOKENS.calltracking,
            'x-signature': signCalltracking(call),
          },
        }),
        await h.send('/calltracking', {
          body: call,
          contentType: json,
          headers: {
            'x-fanpulse-token': TOKENS.calltracking,
            'x-signature': signCalltracking(call, 'wrong'),
          },
        }),
      );
      expect(replies.map((r) => r.status)).to.deep.equal([200, 200, 401, 200, 200, 401]);
      const written = [
        ...logText(h.logs.lines),
        ...replies.map((r, i) => ({ where: `reply ${i}`, text: r.text })),
        ...(await filesUnder(h.dataDir)),
        ...(await warehouseText((sql) => h.query(sql), ['job_runs', 'events'])),
      ];
      audit('events', written, [...Object.values(TOKENS), CT_HMAC]);
    } finally {
      await h.close();
    }
  });

  it('chatbot, on both platforms, known and unknown artists, refused requests', async () => {
    const h = await startChatHarness();
    try {
      const kakao = {
        'content-type': 'application/json',
        [SKILL_HEADER]: CHAT_SECRETS.KAKAO_SKILL_SECRET,
      };
      const answers = [
        await invoke(h.handler, {
          path: '/kakao',
          headers: kakao,
          body: kakaoBody({ artistName: 'BTS' }),
        }),
        await invoke(h.handler, {
          path: '/kakao',
          headers: kakao,
          body: kakaoBody({ artistName: 'Nobody Known Here' }),
        }),
        await invoke(h.handler, {
          path: '/kakao',
          headers: { [SKILL_HEADER]: 'guess' },
          body: kakaoBody({ artistName: 'BTS' }),
        }),
      ];
      const raw = JSON.stringify(messengerBody([textEvent('psid-1', 'mid-1', 'Coldplay')]));
      answers.push(
        await invoke(h.handler, { path: '/messenger', headers: signed(raw), raw }),
        await invoke(h.handler, {
          method: 'GET',
          path: '/messenger',
          query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '42' },
        }),
      );
      expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 401, 200, 403]);
      const secrets = [
        ...Object.values(CHAT_SECRETS),
        h.messenger.env().MESSENGER_PAGE_TOKEN!,
        SANDBOX_CLIENT_SECRET,
        ...h.cat.sandbox.issuedTokens(),
      ];
      const written = [
        ...logText(h.cat.logs.lines),
        ...answers.map((a, i) => ({ where: `answer ${i}`, text: JSON.stringify(a.body) })),
        ...(await filesUnder(h.cat.dataDir)),
        ...(await warehouseText((sql) => h.cat.query(sql), ['job_runs'])),
      ];
      audit('chatbot', written, secrets);
    } finally {
      await h.close();
    }
  });
});
