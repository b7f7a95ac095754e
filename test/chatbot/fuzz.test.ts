// Seeded fuzz of hostile chat payloads through the real handler (in process, with the live
// search and the Send API going to their sandboxes): no 5xx, no crash, every Kakao answer
// one Kakao accepts, every rejection with a reason, every message sent within limits.
import { expect } from 'chai';
import fc from 'fast-check';
import { kakaoResponseSchema } from '../../functions/faces/chatbot/kakao-format.js';
import { messengerMessageSchema } from '../../functions/faces/chatbot/messenger-format.js';
import { KNOWN } from '../sandbox/spotify/catalogue.js';
import {
  invoke,
  kakaoBody,
  messengerBody,
  SECRETS,
  signed,
  SKILL_HEADER,
  startChatHarness,
  type Answer,
  type ChatHarness,
} from './support.js';

// Seeded, so a failure reproduces: rerun with the printed seed.
const SEED = 20261126;

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud83d',
    '🎵'.repeat(600),
    'BTS'.repeat(3500),
    'Bеyoncé',
    '방탄 BTS ♥',
    '<script>alert(1)</script>',
    '%s%n',
    'aespa\u202e',
  ),
  fc.constantFrom('BTS', 'Halsey', '잔나비', 'Jung Kook 노래', 'Nobody Famous'),
);

const kakaoPayload = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        utterance: hostileText,
        artistName: fc.option(hostileText, { nil: undefined }),
        clientExtra: fc.option(
          fc.oneof(
            fc.dictionary(fc.string(), fc.jsonValue()),
            fc.record({ artist_id: fc.oneof(fc.constant(KNOWN.bts), fc.string(), fc.integer()) }),
          ),
          { nil: undefined },
        ),
      })
      .map((o) => kakaoBody(o)),
  },
  fc.jsonValue(),
  fc.record(
    { userRequest: fc.jsonValue(), action: fc.jsonValue(), bot: fc.jsonValue() },
    { requiredKeys: [] },
  ),
);

const wellFormedEvent = fc
  .record({ psid: fc.constantFrom('P1', 'P2', 'P3'), text: hostileText, echo: fc.boolean() })
  .map(({ psid, text, echo }) => ({
    sender: { id: psid },
    recipient: { id: 'PAGE_ID' },
    timestamp: 1763632800000,
    message: { mid: 'x', text, ...(echo ? { is_echo: true } : {}) },
  }));

const messengerEvent = fc.oneof(
  { weight: 4, arbitrary: wellFormedEvent },
  fc.jsonValue(),
  fc.record(
    {
      sender: fc.oneof(fc.record({ id: fc.string({ maxLength: 80 }) }), fc.jsonValue()),
      message: fc.record(
        {
          mid: fc.string({ maxLength: 8 }),
          text: hostileText,
          is_echo: fc.boolean(),
          quick_reply: fc.record({
            payload: fc.oneof(fc.string(), fc.constant(`ARTIST:${KNOWN.halsey}`)),
          }),
          attachments: fc.array(fc.jsonValue(), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      postback: fc.record({ payload: fc.string(), title: fc.string() }, { requiredKeys: [] }),
      delivery: fc.jsonValue(),
      read: fc.jsonValue(),
    },
    { requiredKeys: ['sender'] },
  ),
);

function checkRejection(a: Answer): void {
  expect(a.status, JSON.stringify(a.body)).to.be.below(500);
  if (a.status >= 400)
    expect((a.body as { error?: unknown }).error)
      .to.be.a('string')
      .and.not.equal('');
}

describe('chatbot: fuzzed hostile payloads', function () {
  this.timeout(300_000);
  let h: ChatHarness;
  before(async () => {
    h = await startChatHarness();
  });
  after(async () => h?.close());

  it('Kakao: thousands of payloads, each answered within limits or rejected with a reason', async () => {
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        kakaoPayload,
        fc.oneof({ weight: 4, arbitrary: fc.constant('ok') }, fc.constantFrom('none', 'wrong')),
        fc.constantFrom('/kakao', '/', '/x/kakao'),
        async (body, key, path) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (key !== 'none')
            headers[SKILL_HEADER] = key === 'ok' ? SECRETS.KAKAO_SKILL_SECRET : 'x';
          const a = await invoke(h.handler, { path, headers, body });
          statuses[a.status] = (statuses[a.status] ?? 0) + 1;
          checkRejection(a);
          if (a.status === 200) kakaoResponseSchema.parse(a.body);
          if (key !== 'ok' && path !== '/') expect(a.status).to.equal(401);
        },
      ),
      { seed: SEED, numRuns: 2500 },
    );
    h.cat.queue.take();
    console.log(`      fuzzed Kakao payloads: statuses ${JSON.stringify(statuses)}`);
  });

  it('Messenger: thousands of bodies, signed or not, never 5xx; every send within limits', async () => {
    const statuses: Record<number, number> = {};
    let mid = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc
              .array(fc.array(messengerEvent, { maxLength: 4 }), { maxLength: 3 })
              .map((e) => messengerBody(...(e as Array<Array<Record<string, unknown>>>))),
          },
          fc.jsonValue(),
        ),
        fc.oneof(
          { weight: 4, arbitrary: fc.constant('signed') },
          fc.constantFrom('unsigned', 'garbled'),
        ),
        async (body, signing) => {
          // Fresh message ids so dedupe does not hide answers.
          const raw = JSON.stringify(body).replace(
            /"mid":"[^"]*"/g,
            () => `"mid":"m${(mid += 1)}"`,
          );
          const headers =
            signing === 'signed'
              ? signed(raw)
              : signing === 'garbled'
                ? { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }
                : {};
          const a = await invoke(h.handler, { path: '/messenger', headers, raw });
          statuses[a.status] = (statuses[a.status] ?? 0) + 1;
          checkRejection(a);
          if (signing !== 'signed') expect(a.status).to.equal(401);
          if (a.status === 200) {
            const outcomes = (a.body as { outcomes?: Record<string, number> }).outcomes ?? {};
            expect(outcomes.send_failed ?? 0, 'Send API rejected a message').to.equal(0);
          }
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
    for (const s of h.messenger.sent) messengerMessageSchema.parse(s.message);
    console.log(
      `      fuzzed Messenger bodies: statuses ${JSON.stringify(statuses)}, ${h.messenger.sent.length} messages sent`,
    );
  });
});
