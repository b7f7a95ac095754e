// Edges of the two faces: Kakao's clientExtra as a string, labels that fit both platforms
// in both languages without a cut, Messenger "Get Started" and other postbacks handled as
// buttons (never searched as a name), and a message naming two artists.
import { expect } from 'chai';
import { kakaoResponse } from '../../functions/faces/chatbot/kakao.js';
import { KAKAO_LIMITS, kakaoResponseSchema } from '../../functions/faces/chatbot/kakao-format.js';
import {
  MESSENGER_LIMITS,
  messengerMessages,
  messengerMessageSchema,
} from '../../functions/faces/chatbot/messenger-format.js';
import { messagesFor } from '../../functions/faces/chatbot/messages.js';
import type { ArtistReply } from '../../functions/faces/chatbot/reply.js';
import { KNOWN } from '../sandbox/spotify/catalogue.js';
import {
  invoke,
  kakaoBody,
  messengerBody,
  signed,
  startChatHarness,
  type ChatHarness,
  KAKAO_AUTH,
} from './support.js';

describe('chatbot: edges', function () {
  this.timeout(120_000);
  let h: ChatHarness;
  before(async () => {
    h = await startChatHarness();
  });
  after(async () => h?.close());

  const kakao = async (body: Record<string, unknown>) =>
    kakaoResponseSchema.parse(
      (await invoke(h.handler, { path: '/kakao', headers: KAKAO_AUTH, body })).body,
    );
  const searches = () => h.cat.apiLog().filter((r) => r.path === '/v1/search').length;

  it('accepts clientExtra as a string: "null" is no extra, JSON text is read', async () => {
    const body = kakaoBody({ artistName: 'Halsey' });
    (body.action as Record<string, unknown>).clientExtra = 'null';
    const r = await kakao(body);
    const first = r.template.outputs[0]!;
    expect('basicCard' in first && first.basicCard.title).to.equal('Halsey');
    const tapped = kakaoBody({ utterance: 'something else' });
    (tapped.action as Record<string, unknown>).clientExtra = JSON.stringify({
      artist_id: KNOWN.coldplay,
    });
    const t = (await kakao(tapped)).template.outputs[0]!;
    expect('basicCard' in t && t.basicCard.title).to.equal('Coldplay');
  });

  it('asks which artist when a message names two known ones (quick replies)', async () => {
    const r = await kakao(kakaoBody({ utterance: 'BTS and Coldplay' }));
    const first = r.template.outputs[0]!;
    expect('simpleText' in first && first.simpleText.text).to.include('어느 아티스트');
    expect(r.template.quickReplies?.map((q) => q.label)).to.deep.equal(['BTS', 'Coldplay']);
    expect(r.template.quickReplies?.[0]).to.deep.include({ extra: { artist_id: KNOWN.bts } });
  });

  it("keeps every fixed label within both platforms' limits in both languages, uncut", () => {
    for (const lang of ['ko', 'en'] as const) {
      const m = messagesFor(lang);
      expect(m.openInSpotify.kakao.length).to.be.at.most(KAKAO_LIMITS.buttonLabel);
      expect(m.moreLikeThis.length).to.be.at.most(KAKAO_LIMITS.buttonLabel);
      expect(m.openInSpotify.messenger.length).to.be.at.most(MESSENGER_LIMITS.buttonTitle);
      const reply: ArtistReply = {
        kind: 'artist',
        source: 'index',
        artist: {
          id: KNOWN.bts,
          name: 'BTS',
          imageUrl: 'https://i.scdn.co/image/bts',
          spotifyUrl: `https://open.spotify.com/artist/${KNOWN.bts}`,
          genres: [],
          popularity: null,
          followers: null,
        },
        tracks: [],
        tracksBasis: 'none',
        similar: [],
        approximate: false,
        collecting: false,
      };
      const k = kakaoResponse(reply, lang, 'block');
      const card = k.template.outputs[0]!;
      const label = 'basicCard' in card ? card.basicCard.buttons?.[0]?.label : undefined;
      expect(label).to.equal(m.openInSpotify.kakao);
      expect(label).to.not.include('…');
      const [template] = messengerMessages(reply, lang);
      messengerMessageSchema.parse(template);
      expect(JSON.stringify(template)).to.include(`"title":"${m.openInSpotify.messenger}"`);
    }
    expect(messagesFor('en').openInSpotify.messenger).to.equal('Open in Spotify');
  });

  it('answers "Get Started" and other postbacks as buttons, never searching their titles', async () => {
    h.messenger.sent.length = 0;
    const before = searches();
    const body = messengerBody([
      {
        sender: { id: 'PSID-9' },
        recipient: { id: 'PAGE_ID' },
        timestamp: 1763632800000,
        postback: { title: 'Get Started', payload: 'GET_STARTED', mid: 'm-gs-1' },
      },
      {
        sender: { id: 'PSID-9' },
        recipient: { id: 'PAGE_ID' },
        timestamp: 1763632800001,
        postback: { title: 'Menu', payload: 'MENU_HELP', mid: 'm-gs-2' },
      },
    ]);
    const raw = JSON.stringify(body);
    const r = await invoke(h.handler, { path: '/messenger', headers: signed(raw), raw });
    expect(r.status).to.equal(200);
    expect(searches()).to.equal(before);
    expect(h.messenger.sent).to.have.length(2);
    for (const s of h.messenger.sent) {
      const m = s.message as { text: string; quick_replies?: unknown[] };
      expect(m.text).to.match(/^Hi! Send me an artist name/);
      expect(m.quick_replies?.length).to.be.greaterThan(0);
    }
  });
});
