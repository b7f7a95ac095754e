// The deployed shape: functions-framework serving `chatbot` in a fresh process over the
// demo's kind of warehouse (the catalogue jobs' DuckDB file plus the index snapshot the
// spotify.chatbot_index job wrote), with Spotify unreachable. The first request for a
// collected artist must get the full answer (tracks and similar artists) quickly.
import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { kakaoResponseSchema } from '../../functions/faces/chatbot/kakao-format.js';
import { knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { startFunction, waitFor, type FunctionProcess } from '../support/function-process.js';
import { freeLoopbackPort } from '../support/pubsub-emulator.js';
import { kakaoBody, SECRETS, WATCH_LIST, KAKAO_AUTH } from './support.js';
import { fillWarehouse, type FilledWarehouse } from './warehouse-file.js';
import { assertNoViolations } from '../support/harness.js';

describe('chatbot: cold start from the index snapshot (functions-framework)', function () {
  this.timeout(180_000);
  let w: FilledWarehouse;
  let server: FunctionProcess | undefined;
  before(async () => {
    w = await fillWarehouse(knownCatalogue(), WATCH_LIST, {}, { snapshot: true });
    await w.sandbox.stop();
    assertNoViolations(w.sandbox);
  });
  after(async () => {
    await server?.stop();
    if (w) await rm(w.dataDir, { recursive: true, force: true });
  });

  it('answers a collected artist in full on the first request, within 1.5 s of serving', async () => {
    // Nothing listens on this port: every Spotify call fails at once.
    const dead = `http://127.0.0.1:${await freeLoopbackPort()}`;
    const port = await freeLoopbackPort();
    const base = `http://127.0.0.1:${port}`;
    server = await startFunction(
      'chatbot',
      port,
      {
        ...w.env,
        SPOTIFY_API_BASE_URL: `${dead}/v1`,
        SPOTIFY_ACCOUNTS_BASE_URL: dead,
        KAKAO_SKILL_SECRET: SECRETS.KAKAO_SKILL_SECRET,
        FANPULSE_LOG_LEVEL: 'INFO',
      },
      'http',
      { pollMs: 5 },
    );
    const probe = await fetch(`${base}/`);
    expect(probe.status).to.equal(404); // the process answers (not a chat request)
    const answering = performance.now();
    const res = await fetch(`${base}/kakao`, {
      method: 'POST',
      headers: KAKAO_AUTH,
      body: JSON.stringify(kakaoBody({ utterance: '방탄소년단 노래 추천해줘' })),
    });
    const ms = performance.now() - answering;
    const answer = kakaoResponseSchema.parse(await res.json());
    const [card, list, carousel] = answer.template.outputs;
    expect(card && 'basicCard' in card && card.basicCard.title).to.equal('BTS');
    expect(list && 'listCard' in list && list.listCard.items.length).to.equal(5);
    expect(carousel && 'carousel' in carousel).to.equal(true);
    expect(ms, `first full answer after ${ms.toFixed(0)} ms`).to.be.at.most(1500);
    // The log line travels through the child's stdout pipe, maybe after the answer arrived.
    const loaded = await waitFor(
      'the index log line',
      () => server!.logs.find((l) => l.message === 'artist index loaded'),
      10_000,
      10,
    );
    expect(loaded?.source).to.equal('snapshot');
  });
});
