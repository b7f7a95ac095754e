// The Kakao i OpenBuilder face: authenticate the skill request (Kakao does not sign
// requests: a shared header value from the skill settings, and optionally the bot id),
// read the artist from action.params.artist_name (else the utterance, or a tapped
// suggestion's clientExtra.artist_id) and answer in skill response format 2.0.
import { z } from 'zod';
import type { Language } from './config.js';
import type { Question } from './engine.js';
import {
  KakaoResponseBuilder,
  type KakaoQuickReply,
  type KakaoSkillResponse,
} from './kakao-format.js';
import { messagesFor } from './messages.js';
import type { Reply } from './reply.js';
import { isRecord } from '../../platform/fields.js';
import { sameSecret } from '../../platform/secure-compare.js';
import { SPOTIFY_ID } from '../../sources/spotify/watchlist.js';

const str = z.string();
export const kakaoRequestSchema = z.looseObject({
  intent: z.looseObject({ id: str.optional(), name: str.optional() }).optional(),
  userRequest: z.looseObject({
    utterance: str,
    lang: str.nullish(),
    timezone: str.nullish(),
    block: z.looseObject({ id: str, name: str.optional() }).nullish(),
    user: z.looseObject({ id: str.optional(), type: str.optional() }).nullish(),
  }),
  bot: z.looseObject({ id: str, name: str.optional() }).nullish(),
  action: z
    .looseObject({
      name: str.optional(),
      id: str.optional(),
      params: z.record(str, z.unknown()).nullish(),
      // Kakao's v1 samples send clientExtra as a string ("null", or JSON text).
      clientExtra: z.union([z.record(str, z.unknown()), str]).nullish(),
      detailParams: z.record(str, z.unknown()).nullish(),
    })
    .nullish(),
});
export type KakaoRequest = z.infer<typeof kakaoRequestSchema>;

/** The question a skill request asks: a tapped artist id, the artist_name parameter, the utterance. */
export function kakaoQuestion(request: KakaoRequest): Question {
  const extra = extraRecord(request.action?.clientExtra)?.artist_id;
  const param = request.action?.params?.artist_name;
  const name = typeof param === 'string' && param.trim() !== '' ? param : null;
  return {
    artistId: typeof extra === 'string' && SPOTIFY_ID.test(extra) ? extra : null,
    text: name ?? request.userRequest.utterance,
    userId: request.userRequest.user?.id ? `kakao:${request.userRequest.user.id}` : null,
  };
}

/** clientExtra as an object: given as one, or as JSON text of one; anything else is none. */
function extraRecord(extra: Record<string, unknown> | string | null | undefined) {
  if (typeof extra !== 'string') return extra ?? null;
  try {
    const value: unknown = JSON.parse(extra);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

export type KakaoAuth = { ok: true } | { ok: false; reason: string };

/** The shared header value must match; the bot id too when one is configured. */
export function checkKakaoAuth(
  headerValue: string | string[] | undefined,
  secret: string,
  body: unknown,
  botId: string | undefined,
): KakaoAuth {
  const given = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  if (!given) return { ok: false, reason: 'missing skill key header' };
  if (!sameSecret(given, secret)) return { ok: false, reason: 'wrong skill key' };
  if (botId !== undefined) {
    const bot = z.object({ bot: z.object({ id: z.string() }) }).safeParse(body);
    if (!bot.success || bot.data.bot.id !== botId)
      return { ok: false, reason: 'request is not from the configured bot' };
  }
  return { ok: true };
}

const formatted = new WeakMap<Reply, Map<string, KakaoSkillResponse>>();

/**
 * Formats a Reply as a skill response; `blockId` makes suggestion taps come back here.
 * Memoised per reply (index replies are shared per artist, see artist-reply.ts), language
 * and block: the answer is a pure function of the three and is never mutated.
 */
export function kakaoResponse(
  reply: Reply,
  language: Language,
  blockId: string | null,
): KakaoSkillResponse {
  const key = `${language} ${blockId ?? ''}`;
  let byKey = formatted.get(reply);
  if (!byKey) formatted.set(reply, (byKey = new Map()));
  let response = byKey.get(key);
  if (!response) {
    if (byKey.size >= 16) byKey.clear();
    byKey.set(key, (response = formatKakao(reply, language, blockId)));
  }
  return response;
}

function formatKakao(reply: Reply, language: Language, blockId: string | null): KakaoSkillResponse {
  const m = messagesFor(language);
  const b = new KakaoResponseBuilder();
  const tap = (artist: { id: string; name: string }): KakaoQuickReply =>
    blockId
      ? {
          action: 'block',
          label: artist.name,
          blockId,
          messageText: artist.name,
          extra: { artist_id: artist.id },
        }
      : { action: 'message', label: artist.name, messageText: artist.name };

  if (reply.kind === 'text') {
    const text = m.text(reply.reason, reply.query, reply.suggestions.length > 0);
    b.simpleText(text);
    for (const s of reply.suggestions) b.quickReply(tap(s));
    return b.build(text);
  }

  const { artist } = reply;
  const description = [
    m.artistDescription(reply),
    artist.followers !== null ? m.followers(artist.followers) : '',
  ]
    .filter(Boolean)
    .join('\n');
  const link = artist.spotifyUrl;
  const shown = b.basicCard({
    title: artist.name,
    description,
    imageUrl: artist.imageUrl,
    link,
    buttons: link ? [{ action: 'webLink', label: m.openInSpotify.kakao, webLinkUrl: link }] : [],
  });
  if (!shown) b.simpleText([artist.name, description, link ?? ''].filter(Boolean).join('\n'));

  const listed = b.listCard({
    header: m.tracksHeader(artist.name, reply.tracksBasis),
    items: reply.tracks.map((t) => ({
      title: t.name,
      description: [t.albumName, t.releaseDate?.slice(0, 4)].filter(Boolean).join(' · '),
      imageUrl: t.imageUrl,
      link: t.spotifyUrl,
    })),
  });
  if (!listed) b.simpleText(m.noTracks(artist.name, reply.collecting));

  b.basicCardCarousel(
    reply.similar.map((s) => ({
      title: s.name,
      description: m.because(s.because),
      imageUrl: s.imageUrl,
      buttons: [
        blockId
          ? {
              action: 'block' as const,
              label: m.moreLikeThis,
              blockId,
              messageText: s.name,
              extra: { artist_id: s.id },
            }
          : { action: 'message' as const, label: m.moreLikeThis, messageText: s.name },
      ],
    })),
  );
  for (const s of reply.similar) b.quickReply(tap(s));
  return b.build(artist.name);
}
