// Send API message objects for a Reply, within Messenger's limits (text 2000 characters,
// 13 quick replies with titles of 20, generic template: 10 elements, title and subtitle
// 80, 3 buttons with titles of 20). A tapped suggestion comes back as the quick reply's or
// postback's payload "ARTIST:<id>".
import { z } from 'zod';
import { SPOTIFY_ID } from '../../sources/spotify/watchlist.js';
import type { Language } from './config.js';
import { messagesFor } from './messages.js';
import type { Reply } from './reply.js';
import { fit } from './text.js';

export const MESSENGER_LIMITS = {
  text: 2000,
  quickReplies: 13,
  quickReplyTitle: 20,
  payload: 1000,
  elements: 10,
  elementTitle: 80,
  elementSubtitle: 80,
  buttons: 3,
  buttonTitle: 20,
} as const;
const L = MESSENGER_LIMITS;

const ARTIST_PREFIX = 'ARTIST:';

/** The artist id a tapped button's payload ("ARTIST:<id>") names, else null. */
export function artistOfPayload(payload: string | undefined): string | null {
  const id = payload?.startsWith(ARTIST_PREFIX) ? payload.slice(ARTIST_PREFIX.length) : null;
  return id !== null && SPOTIFY_ID.test(id) ? id : null;
}

const url = z.string().regex(/^https?:\/\/\S+$/);
const quickReply = z.strictObject({
  content_type: z.literal('text'),
  title: z.string().min(1).max(L.quickReplyTitle),
  payload: z.string().min(1).max(L.payload),
});
const button = z.union([
  z.strictObject({
    type: z.literal('web_url'),
    url,
    title: z.string().min(1).max(L.buttonTitle),
  }),
  z.strictObject({
    type: z.literal('postback'),
    title: z.string().min(1).max(L.buttonTitle),
    payload: z.string().min(1).max(L.payload),
  }),
]);
const element = z.strictObject({
  title: z.string().min(1).max(L.elementTitle),
  subtitle: z.string().max(L.elementSubtitle).optional(),
  image_url: url.optional(),
  default_action: z.strictObject({ type: z.literal('web_url'), url }).optional(),
  buttons: z.array(button).min(1).max(L.buttons).optional(),
});

export const messengerMessageSchema = z.union([
  z.strictObject({
    text: z.string().min(1).max(L.text),
    quick_replies: z.array(quickReply).min(1).max(L.quickReplies).optional(),
  }),
  z.strictObject({
    attachment: z.strictObject({
      type: z.literal('template'),
      payload: z.strictObject({
        template_type: z.literal('generic'),
        elements: z.array(element).min(1).max(L.elements),
      }),
    }),
    quick_replies: z.array(quickReply).min(1).max(L.quickReplies).optional(),
  }),
]);
export type MessengerMessage = z.infer<typeof messengerMessageSchema>;

const isUrl = (v: string | null | undefined): v is string => !!v && url.safeParse(v).success;

function quickReplies(artists: Array<{ id: string; name: string }>) {
  const list = artists.slice(0, L.quickReplies).map((a) => ({
    content_type: 'text' as const,
    title: fit(a.name.trim() || a.id, L.quickReplyTitle),
    payload: ARTIST_PREFIX + a.id,
  }));
  return list.length > 0 ? { quick_replies: list } : {};
}

/** The messages to send, in order; each one is valid by messengerMessageSchema. */
export function messengerMessages(reply: Reply, language: Language): MessengerMessage[] {
  const m = messagesFor(language);
  if (reply.kind === 'text') {
    const text = m.text(reply.reason, reply.query, reply.suggestions.length > 0);
    return [{ text: fit(text, L.text), ...quickReplies(reply.suggestions) }];
  }
  const { artist } = reply;
  const link = isUrl(artist.spotifyUrl) ? artist.spotifyUrl : null;
  const card: MessengerMessage = {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'generic',
        elements: [
          {
            title: fit(artist.name.trim() || artist.id, L.elementTitle),
            subtitle: fit(m.artistDescription(reply), L.elementSubtitle),
            ...(isUrl(artist.imageUrl) ? { image_url: artist.imageUrl } : {}),
            ...(link
              ? {
                  default_action: { type: 'web_url' as const, url: link },
                  buttons: [
                    {
                      type: 'web_url' as const,
                      url: link,
                      title: fit(m.openInSpotify.messenger, L.buttonTitle),
                    },
                  ],
                }
              : {}),
          },
        ],
      },
    },
  };
  const lines: string[] = [];
  if (reply.tracks.length > 0) {
    lines.push(m.tracksHeader(artist.name, reply.tracksBasis));
    reply.tracks.forEach((t, i) => {
      const album = t.albumName ? ` (${fit(t.albumName, 60)})` : '';
      lines.push(`${i + 1}. ${fit(t.name, 100)}${album}${t.spotifyUrl ? ` ${t.spotifyUrl}` : ''}`);
    });
  } else {
    lines.push(m.noTracks(artist.name, reply.collecting));
  }
  if (reply.similar.length > 0) {
    lines.push('', `${m.similarHeader(artist.name)}:`);
    for (const s of reply.similar) lines.push(`• ${fit(s.name, 80)} (${m.because(s.because)})`);
  }
  const text: MessengerMessage = {
    text: fit(lines.join('\n'), L.text),
    ...quickReplies(reply.similar),
  };
  return [card, text];
}
