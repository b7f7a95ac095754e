import { expect } from 'chai';
import {
  kakaoResponseSchema,
  type KakaoSkillResponse,
} from '../../functions/faces/chatbot/kakao-format.js';
import { KNOWN } from '../sandbox/spotify/catalogue.js';
import {
  BLOCK_ID,
  invoke,
  kakaoBody,
  SKILL_HEADER,
  startChatHarness,
  type ChatHarness,
  KAKAO_AUTH,
} from './support.js';

async function ask(h: ChatHarness, body: Record<string, unknown>, path = '/kakao') {
  const answer = await invoke(h.handler, { path, headers: KAKAO_AUTH, body });
  expect(answer.status).to.equal(200);
  // Every answer must be one Kakao accepts.
  return kakaoResponseSchema.parse(answer.body);
}

type Output = KakaoSkillResponse['template']['outputs'][number];
const card = (o: Output | undefined) => (o && 'basicCard' in o ? o.basicCard : null);
const list = (o: Output | undefined) => (o && 'listCard' in o ? o.listCard : null);
const text = (o: Output | undefined) => (o && 'simpleText' in o ? o.simpleText.text : null);

describe('chatbot: Kakao skill', () => {
  let h: ChatHarness;
  before(async () => {
    h = await startChatHarness();
  });
  after(async () => h?.close());
  beforeEach(() => {
    h.timer.expire.clear();
    h.cat.sandbox.clearFaults();
  });

  it('answers a known artist with a card, 5 tracks and similar artists (Korean)', async () => {
    const r = await ask(h, kakaoBody({ artistName: 'BTS' }));
    const outputs = r.template.outputs;
    expect(outputs).to.have.length(3);
    const artist = card(outputs[0])!;
    expect(artist.title).to.equal('BTS');
    expect(artist.thumbnail.imageUrl).to.match(/^https:\/\/i\.scdn\.co\/image\//);
    expect(artist.buttons?.[0]).to.deep.include({
      action: 'webLink',
      webLinkUrl: `https://open.spotify.com/artist/${KNOWN.bts}`,
    });
    const tracks = list(outputs[1])!;
    expect(tracks.header.title).to.equal('BTS 최신 앨범 추천곡');
    expect(tracks.items).to.have.length(5);
    // Development mode: no top tracks, so the newest releases where BTS is the main credit.
    expect(tracks.items.slice(0, 2).map((i) => i.title)).to.deep.equal(['Dynamite', 'Butter']);
    // Features first (2 shared tracks each, tie broken by name), then the shared compilation.
    const similar = r.template.quickReplies!;
    expect(similar.map((q) => q.label)).to.deep.equal(['Coldplay', 'Halsey', 'aespa']);
    expect(similar[1]).to.deep.equal({
      action: 'block',
      label: 'Halsey',
      blockId: BLOCK_ID,
      messageText: 'Halsey',
      extra: { artist_id: KNOWN.halsey },
    });
    const carousel = outputs[2]!;
    expect('carousel' in carousel && carousel.carousel.items.length).to.equal(3);
  });

  it('reads the utterance when artist_name is absent, and Hangul names and aliases', async () => {
    const fromUtterance = await ask(h, kakaoBody({ utterance: 'BTS 노래 추천해줘' }));
    expect(card(fromUtterance.template.outputs[0])?.title).to.equal('BTS');
    const hangul = await ask(h, kakaoBody({ artistName: '방탄소년단' }));
    expect(card(hangul.template.outputs[0])?.title).to.equal('BTS');
    const spaced = await ask(h, kakaoBody({ utterance: 'ＪＵＮＧＫＯＯＫ의 노래' }));
    expect(card(spaced.template.outputs[0])?.title).to.equal('Jung Kook');
    const accent = await ask(h, kakaoBody({ artistName: 'beyonce' }));
    expect(card(accent.template.outputs[0])?.title).to.equal('Beyoncé');
  });

  it('answers a tapped similar artist from clientExtra.artist_id', async () => {
    const r = await ask(
      h,
      kakaoBody({ utterance: 'Halsey', clientExtra: { artist_id: KNOWN.halsey } }),
    );
    expect(card(r.template.outputs[0])?.title).to.equal('Halsey');
    expect(r.template.quickReplies?.[0]?.label).to.equal('BTS');
  });

  it('searches Spotify live for an unknown artist and publishes a collect job', async () => {
    const r = await ask(h, kakaoBody({ artistName: '잔나비' }));
    expect(card(r.template.outputs[0])?.title).to.equal('잔나비');
    expect(text(r.template.outputs[1])).to.include('곡 정보를 모으고 있어요');
    const published = h.cat.queue.take();
    expect(published).to.have.length(1);
    expect(published[0]!.message).to.deep.include({
      job: 'spotify.artist_catalog',
      params: { artists: [{ name: '잔나비', id: KNOWN.jannabi }], maxArtists: 1 },
    });
    // The job runs; the next index answers with tracks.
    const runs = await h.cat.drain(published[0]!.message);
    expect(runs.every((s) => s.outcome === 'succeeded')).to.equal(true);
    h.cat.queue.take();
    await h.rt.index.refresh();
    const richer = await ask(h, kakaoBody({ artistName: '잔나비' }));
    expect(list(richer.template.outputs[1])?.items[0]?.title).to.equal('꿈과 책과 힘과 벽');
  });

  it('answers with a friendly text when the live search is slow or failing', async () => {
    h.timer.expire.add('live-search');
    const slow = await ask(h, kakaoBody({ artistName: 'Nobody Famous' }));
    expect(text(slow.template.outputs[0])).to.include('시간이 걸리고 있어요');
    h.timer.expire.clear();
    // times 2: the search the slow answer gave up on may still be on its way.
    h.cat.sandbox.inject({ path: '/v1/search', answer: { status: 503, body: {} }, times: 2 });
    const failing = await ask(h, kakaoBody({ artistName: 'Nobody Famous' }));
    expect(text(failing.template.outputs[0])).to.include('Spotify 검색을 할 수 없어요');
    h.cat.sandbox.clearFaults();
    const missing = await ask(h, kakaoBody({ artistName: 'Zzyzx Qwv' }));
    expect(text(missing.template.outputs[0])).to.include('찾지 못했어요');
  });

  it('gives a helpful reply to empty, emoji-only, very long and script-mixed input', async () => {
    const empty = await ask(h, kakaoBody({ utterance: '' }));
    expect(text(empty.template.outputs[0])).to.include('아티스트 이름을 보내 주세요');
    expect(empty.template.quickReplies?.length).to.equal(3);
    const emoji = await ask(h, kakaoBody({ utterance: '🎵🔥👍🏽' }));
    expect(text(emoji.template.outputs[0])).to.include('아티스트 이름을 보내 주세요');
    const long = await ask(h, kakaoBody({ utterance: 'BTS '.repeat(2600) }));
    expect(text(long.template.outputs[0])).to.include('너무 길어요');
    // Cyrillic "Т" in "BТS": not BTS, and not a crash.
    const mixed = await ask(h, kakaoBody({ artistName: 'BТS' }));
    expect(text(mixed.template.outputs[0])).to.include('찾지 못했어요');
    const controls = await ask(h, kakaoBody({ artistName: '\u0000\u200b\ud800' }));
    expect(text(controls.template.outputs[0])).to.include('아티스트 이름을 보내 주세요');
  });

  it('answers an unreadable payload with a friendly text, never 5xx', async () => {
    const r = await ask(h, { userRequest: { utterance: 42 }, action: 'x' });
    expect(text(r.template.outputs[0])).to.include('읽지 못했어요');
  });

  it('rejects requests without the skill key, with a wrong key, or from another bot', async () => {
    const body = kakaoBody({ artistName: 'BTS' });
    const none = await invoke(h.handler, { path: '/kakao', body });
    expect(none).to.deep.include({ status: 401, body: { error: 'missing skill key header' } });
    const wrong = await invoke(h.handler, {
      path: '/kakao',
      headers: { [SKILL_HEADER]: 'guess' },
      body,
    });
    expect(wrong).to.deep.include({ status: 401, body: { error: 'wrong skill key' } });
    h.restart();
    const saved = h.rt;
    try {
      h.cat.services.env.KAKAO_BOT_ID = 'bot-fanpulse-01';
      h.restart();
      const other = await invoke(h.handler, {
        path: '/kakao',
        headers: KAKAO_AUTH,
        body: kakaoBody({ artistName: 'BTS', botId: 'someone-else' }),
      });
      expect(other).to.deep.include({
        status: 401,
        body: { error: 'request is not from the configured bot' },
      });
      const ours = await ask(h, kakaoBody({ artistName: 'BTS' }));
      expect(card(ours.template.outputs[0])?.title).to.equal('BTS');
    } finally {
      delete h.cat.services.env.KAKAO_BOT_ID;
      h.rt = saved;
    }
  });

  it('routes by body shape when the path says nothing', async () => {
    const r = await ask(h, kakaoBody({ artistName: 'aespa' }), '/');
    expect(card(r.template.outputs[0])?.title).to.equal('aespa');
    const other = await invoke(h.handler, { path: '/', headers: KAKAO_AUTH, body: { hello: 1 } });
    expect(other.status).to.equal(404);
  });
});
