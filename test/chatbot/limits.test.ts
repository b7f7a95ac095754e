// Platform limits on answers built from extreme data: long names in any script, many tracks,
// many similar artists. Kakao and Messenger would reject an answer over a limit.
import { expect } from 'chai';
import { ArtistIndex } from '../../functions/faces/chatbot/artist-index.js';
import type { IndexArtist } from '../../functions/sources/spotify/chatbot/model.js';
import { loadChatbotConfig } from '../../functions/faces/chatbot/config.js';
import { ChatEngine } from '../../functions/faces/chatbot/engine.js';
import {
  KAKAO_LIMITS,
  KakaoResponseBuilder,
  kakaoResponseSchema,
} from '../../functions/faces/chatbot/kakao-format.js';
import { kakaoResponse } from '../../functions/faces/chatbot/kakao.js';
import {
  messengerMessages,
  messengerMessageSchema,
} from '../../functions/faces/chatbot/messenger-format.js';
import { fit } from '../../functions/faces/chatbot/text.js';
import { createLogger } from '../../functions/platform/logger.js';
import { messengerLimitProblem } from '../sandbox/messenger/server.js';
import { TestTimer } from './support.js';

const graphemes = (s: string) =>
  [...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

/** `out` is `input` cut between graphemes (plus "…"), never inside one. */
function cleanCut(input: string, out: string): void {
  const kept = out.endsWith('…') ? out.slice(0, -1) : out;
  const prefixes = new Set(['']);
  let acc = '';
  for (const g of graphemes(input)) {
    acc += g;
    prefixes.add(acc.trimEnd());
  }
  expect(prefixes.has(kept), `"${kept}" is not a grapheme prefix`).to.equal(true);
}

const FAMILY = '👨‍👩‍👧‍👦';
const LONG_NAME = `${FAMILY}방탄소년단 `.repeat(30) + 'Ｆｕｌｌｗｉｄｔｈ';

function artist(id: string, name: string, extra: Partial<IndexArtist> = {}): IndexArtist {
  return {
    id,
    name,
    imageUrl: `https://i.scdn.co/image/${id}`,
    spotifyUrl: `https://open.spotify.com/artist/${id}`,
    genres: ['k-pop', 'a'.repeat(300)],
    popularity: 50,
    followers: 1234567,
    tracks: [],
    tracksBasis: 'none',
    hasProfile: true,
    ...extra,
  };
}

function bigIndex(): ArtistIndex {
  const tracks = Array.from({ length: 20 }, (_, i) => ({
    id: `t${i}`,
    name: `${FAMILY} ${'트랙'.repeat(40)} ${i}`,
    albumName: 'Album '.repeat(40),
    imageUrl: 'https://i.scdn.co/image/album',
    spotifyUrl: `https://open.spotify.com/track/t${i}`,
    releaseDate: '2026-01-01',
  }));
  const others = Array.from({ length: 12 }, (_, i) => artist(`o${i}`, `${LONG_NAME}${i}`));
  return new ArtistIndex(
    {
      artists: [
        artist('big', LONG_NAME, { tracks: tracks.slice(0, 5), tracksBasis: 'top_tracks' }),
        ...others,
      ],
      aliases: [],
      collaborations: others.map((o, i) => ({ a: 'big', b: o.id, sharedTracks: i + 1 })),
      compilations: [],
    },
    new Date('2026-11-20T10:00:00Z'),
  );
}

describe('chatbot: platform limits', () => {
  it('fits a huge artist answer into Kakao and Messenger limits, cutting between graphemes', async () => {
    const index = bigIndex();
    const engine = new ChatEngine({
      config: loadChatbotConfig({ CHATBOT_MAX_INPUT_CHARS: '1000' }),
      index: async () => index,
      liveSearch: null,
      collect: null,
      timer: new TestTimer().timer,
      log: createLogger({ sink: () => undefined }),
    });
    const reply = await engine.answer({ artistId: 'big' });
    expect(reply.kind).to.equal('artist');
    for (const lang of ['ko', 'en'] as const) {
      const k = kakaoResponseSchema.parse(kakaoResponse(reply, lang, 'block-1'));
      const [card, list, carousel] = k.template.outputs;
      const title = card && 'basicCard' in card ? card.basicCard.title! : '';
      expect(title.length).to.be.at.most(KAKAO_LIMITS.cardTitle);
      cleanCut(LONG_NAME, title);
      expect(list && 'listCard' in list && list.listCard.items.length).to.equal(5);
      expect(carousel && 'carousel' in carousel && carousel.carousel.items.length).to.equal(3);
      expect(k.template.quickReplies).to.have.length(3);
      for (const q of k.template.quickReplies!) expect(q.label.length).to.be.at.most(14);
      for (const m of messengerMessages(reply, lang)) {
        messengerMessageSchema.parse(m);
        expect(messengerLimitProblem(m as Record<string, unknown>)).to.equal(null);
      }
    }
  });

  it('the Kakao builder drops what does not fit and refuses cards without a thumbnail', () => {
    const b = new KakaoResponseBuilder();
    expect(b.basicCard({ title: 'x', imageUrl: null })).to.equal(false);
    expect(b.basicCard({ title: 'x', imageUrl: 'javascript:alert(1)' })).to.equal(false);
    expect(
      b.listCard({
        header: 'h',
        items: Array.from({ length: 8 }, (_, i) => ({ title: `item ${i}` })),
        buttons: Array.from({ length: 4 }, () => ({
          action: 'webLink' as const,
          label: 'a very long button label',
          webLinkUrl: 'https://example.com',
        })),
      }),
    ).to.equal(true);
    expect(
      b.basicCardCarousel(
        Array.from({ length: 12 }, (_, i) => ({ title: `c${i}`, imageUrl: 'https://i.example/x' })),
      ),
    ).to.equal(true);
    expect(b.simpleText('x'.repeat(5000))).to.equal(true);
    expect(b.simpleText('one too many')).to.equal(false);
    for (let i = 0; i < 12; i += 1)
      b.quickReply({ action: 'message', label: `${FAMILY}${i}`.repeat(5), messageText: 'm' });
    const r = kakaoResponseSchema.parse(b.build());
    expect(r.template.outputs).to.have.length(3);
    expect(r.template.quickReplies).to.have.length(10);
    const [list, carousel, text] = r.template.outputs;
    expect(list && 'listCard' in list && list.listCard.items.length).to.equal(5);
    expect(list && 'listCard' in list && list.listCard.buttons?.length).to.equal(2);
    expect(carousel && 'carousel' in carousel && carousel.carousel.items.length).to.equal(10);
    expect(text && 'simpleText' in text && text.simpleText.text.length).to.equal(1000);
  });

  it('fit() never splits a grapheme or leaves a lone surrogate', () => {
    for (const s of [
      LONG_NAME,
      '🇰🇷'.repeat(100),
      'é'.normalize('NFD').repeat(100),
      '각'.repeat(100),
    ]) {
      for (const max of [1, 2, 7, 14, 50]) {
        const out = fit(s, max);
        expect(out.length).to.be.at.most(max);
        cleanCut(s, out);
      }
    }
    expect(fit('a\ud800b', 10)).to.equal('a\ufffdb');
  });
});
