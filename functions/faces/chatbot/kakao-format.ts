// Kakao i OpenBuilder skill response 2.0, typed, with the platform's limits enforced twice:
// the builder fits every string and list into its limit (cutting between graphemes), and
// kakaoResponseSchema (the same limits as zod) checks the result before it is sent. An
// answer over a limit is rejected by Kakao and the user sees an error, so neither may pass.
import { z } from 'zod';
import { fit } from './text.js';

export const KAKAO_LIMITS = {
  outputs: 3,
  quickReplies: 10,
  simpleText: 1000,
  cardTitle: 50,
  cardDescription: 230,
  buttons: 3,
  buttonLabel: 14,
  listItems: 5,
  listItemsInCarousel: 4,
  carouselCards: 10,
  carouselListCards: 5,
  /** Not in the published table we rely on; kept short so a list item never wraps badly. */
  listItemTitle: 50,
  listItemDescription: 50,
  listCardButtons: 2,
  messageText: 1000,
} as const;

const L = KAKAO_LIMITS;
const url = z.string().regex(/^https?:\/\/\S+$/, 'an http(s) URL');
const label = z.string().min(1).max(L.buttonLabel);
const extra = z.record(z.string(), z.string()).optional();

// Buttons and quick replies share the "send a message" and "go to a block" actions.
const messageAction = z.strictObject({
  action: z.literal('message'),
  label,
  messageText: z.string().min(1).max(L.messageText),
});
const blockAction = z.strictObject({
  action: z.literal('block'),
  label,
  blockId: z.string().min(1),
  messageText: z.string().min(1).max(L.messageText).optional(),
  extra,
});

const button = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('webLink'), label, webLinkUrl: url }),
  messageAction,
  blockAction,
]);
export type KakaoButton = z.infer<typeof button>;

const quickReply = z.discriminatedUnion('action', [messageAction, blockAction]);
export type KakaoQuickReply = z.infer<typeof quickReply>;

const basicCard = z.strictObject({
  title: z.string().min(1).max(L.cardTitle).optional(),
  description: z.string().max(L.cardDescription).optional(),
  thumbnail: z.strictObject({ imageUrl: url, link: z.strictObject({ web: url }).optional() }),
  buttons: z.array(button).max(L.buttons).optional(),
});
export type KakaoBasicCard = z.infer<typeof basicCard>;

const listItem = z.strictObject({
  title: z.string().min(1).max(L.listItemTitle),
  description: z.string().max(L.listItemDescription).optional(),
  imageUrl: url.optional(),
  link: z.strictObject({ web: url }).optional(),
});
const listCard = (maxItems: number) =>
  z.strictObject({
    header: z.strictObject({ title: z.string().min(1).max(L.cardTitle) }),
    items: z.array(listItem).min(1).max(maxItems),
    buttons: z.array(button).max(L.listCardButtons).optional(),
  });
export type KakaoListCard = z.infer<ReturnType<typeof listCard>>;

const output = z.union([
  z.strictObject({
    simpleText: z.strictObject({ text: z.string().min(1).max(L.simpleText) }),
  }),
  z.strictObject({ basicCard }),
  z.strictObject({ listCard: listCard(L.listItems) }),
  z.strictObject({
    carousel: z.discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('basicCard'),
        items: z.array(basicCard).min(1).max(L.carouselCards),
      }),
      z.strictObject({
        type: z.literal('listCard'),
        items: z.array(listCard(L.listItemsInCarousel)).min(1).max(L.carouselListCards),
      }),
    ]),
  }),
]);

export const kakaoResponseSchema = z.strictObject({
  version: z.literal('2.0'),
  template: z.strictObject({
    outputs: z.array(output).min(1).max(L.outputs),
    quickReplies: z.array(quickReply).max(L.quickReplies).optional(),
  }),
});
export type KakaoSkillResponse = z.infer<typeof kakaoResponseSchema>;
type Output = z.infer<typeof output>;

const isUrl = (v: string | null | undefined): v is string => !!v && url.safeParse(v).success;

export interface CardInput {
  title: string;
  description?: string;
  imageUrl: string | null;
  link?: string | null;
  buttons?: KakaoButton[];
}

export interface ListInput {
  header: string;
  items: Array<{
    title: string;
    description?: string;
    imageUrl?: string | null;
    link?: string | null;
  }>;
  buttons?: KakaoButton[];
}

/** Builds a response that Kakao accepts, whatever the lengths of names and lists. */
export class KakaoResponseBuilder {
  private readonly outputs: Output[] = [];
  private readonly quickReplies: KakaoQuickReply[] = [];

  get room(): number {
    return L.outputs - this.outputs.length;
  }

  simpleText(text: string): boolean {
    const t = fit(text.trim(), L.simpleText);
    if (t === '' || this.room === 0) return false;
    this.outputs.push({ simpleText: { text: t } });
    return true;
  }

  /** A card needs a thumbnail: false (nothing added) when there is no usable image. */
  basicCard(card: CardInput): boolean {
    const built = this.card(card);
    if (!built || this.room === 0) return false;
    this.outputs.push({ basicCard: built });
    return true;
  }

  listCard(list: ListInput): boolean {
    const built = this.list(list, L.listItems);
    if (!built || this.room === 0) return false;
    this.outputs.push({ listCard: built });
    return true;
  }

  /** A carousel of basic cards; cards without an image are left out. */
  basicCardCarousel(cards: CardInput[]): boolean {
    const items = cards.flatMap((c) => this.card(c) ?? []).slice(0, L.carouselCards);
    if (items.length === 0 || this.room === 0) return false;
    this.outputs.push({ carousel: { type: 'basicCard', items } });
    return true;
  }

  quickReply(reply: KakaoQuickReply): boolean {
    if (this.quickReplies.length >= L.quickReplies) return false;
    const fitted = { ...reply, label: fit(reply.label.trim() || '…', L.buttonLabel) };
    if ('messageText' in fitted && fitted.messageText !== undefined)
      fitted.messageText = fit(fitted.messageText, L.messageText);
    this.quickReplies.push(fitted);
    return true;
  }

  build(fallbackText = '…'): KakaoSkillResponse {
    if (this.outputs.length === 0) this.simpleText(fallbackText);
    const response: KakaoSkillResponse = {
      version: '2.0',
      template: {
        outputs: this.outputs,
        ...(this.quickReplies.length > 0 ? { quickReplies: this.quickReplies } : {}),
      },
    };
    // The builder cannot produce an invalid answer; if it ever did, a plain text goes out.
    const checked = kakaoResponseSchema.safeParse(response);
    if (checked.success) return checked.data;
    return {
      version: '2.0',
      template: { outputs: [{ simpleText: { text: fit(fallbackText, L.simpleText) || '…' } }] },
    };
  }

  private buttons(buttons: KakaoButton[] | undefined, max: number): KakaoButton[] | undefined {
    const out = (buttons ?? [])
      .filter((b) => b.action !== 'webLink' || isUrl(b.webLinkUrl))
      .slice(0, max)
      .map((b) => ({ ...b, label: fit(b.label.trim() || '…', L.buttonLabel) }));
    return out.length > 0 ? out : undefined;
  }

  private card(card: CardInput): KakaoBasicCard | null {
    if (!isUrl(card.imageUrl)) return null;
    const title = fit(card.title.trim(), L.cardTitle);
    const description = card.description ? fit(card.description.trim(), L.cardDescription) : '';
    const buttons = this.buttons(card.buttons, L.buttons);
    return {
      ...(title ? { title } : {}),
      ...(description ? { description } : {}),
      thumbnail: {
        imageUrl: card.imageUrl,
        ...(isUrl(card.link) ? { link: { web: card.link } } : {}),
      },
      ...(buttons ? { buttons } : {}),
    };
  }

  private list(list: ListInput, maxItems: number): KakaoListCard | null {
    const items = list.items
      .map((i) => ({
        title: fit(i.title.trim(), L.listItemTitle),
        description: i.description ? fit(i.description.trim(), L.listItemDescription) : '',
        imageUrl: i.imageUrl,
        link: i.link,
      }))
      .filter((i) => i.title !== '')
      .slice(0, maxItems)
      .map((i) => ({
        title: i.title,
        ...(i.description ? { description: i.description } : {}),
        ...(isUrl(i.imageUrl) ? { imageUrl: i.imageUrl } : {}),
        ...(isUrl(i.link) ? { link: { web: i.link } } : {}),
      }));
    const header = fit(list.header.trim(), L.cardTitle);
    if (items.length === 0 || header === '') return null;
    const buttons = this.buttons(list.buttons, L.listCardButtons);
    return { header: { title: header }, items, ...(buttons ? { buttons } : {}) };
  }
}
