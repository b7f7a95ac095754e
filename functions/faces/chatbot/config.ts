// Chatbot settings, validated from the environment like every module's (functions/platform/env.ts).
import { z } from 'zod';
import { boolFlag, parseEnv, positiveInt, type Env } from '../../platform/env.js';
import { SPOTIFY_SECRET_IDS } from '../../sources/spotify/config.js';

/** Secret Manager ids the chatbot reads (Terraform grants access to exactly these). */
export const CHATBOT_SECRET_IDS: readonly string[] = [
  'kakao-skill-secret',
  'messenger-app-secret',
  'messenger-page-token',
  'messenger-verify-token',
  ...SPOTIFY_SECRET_IDS,
];

export type Language = 'ko' | 'en';
const language = z.enum(['ko', 'en']);

const schema = z.object({
  CHATBOT_LANGUAGE_KAKAO: language.default('ko'),
  CHATBOT_LANGUAGE_MESSENGER: language.default('en'),
  /** Header carrying the shared value set in the OpenBuilder skill settings. */
  KAKAO_SKILL_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name')
    .default('x-fanpulse-skill-key'),
  /** When set, Kakao requests must name this bot (body bot.id). */
  KAKAO_BOT_ID: z.string().min(1).optional(),
  MESSENGER_GRAPH_BASE_URL: z.url().default('https://graph.facebook.com/v24.0'),
  /** How long a Messenger POST may work on its replies before it acknowledges anyway. */
  MESSENGER_ACK_DEADLINE_MS: positiveInt.default(8000),
  /** Artist index refresh period (the warehouse is re-read after this). */
  CHATBOT_INDEX_TTL_SECONDS: positiveInt.default(900),
  /** Longest wait for a live Spotify search; the whole answer stays under 4.5 s. */
  CHATBOT_LIVE_SEARCH_BUDGET_MS: positiveInt.max(3500).default(2500),
  /** Publish a collect job for artists found only by live search. */
  CHATBOT_COLLECT_UNKNOWN: boolFlag.default(true),
  /** Longest accepted message; longer ones get a "send just the name" reply. */
  CHATBOT_MAX_INPUT_CHARS: positiveInt.max(1000).default(100),
});

export interface ChatbotConfig {
  languageKakao: Language;
  languageMessenger: Language;
  kakaoSkillHeader: string;
  kakaoBotId: string | undefined;
  graphBaseUrl: string;
  messengerAckDeadlineMs: number;
  indexTtlMs: number;
  liveSearchBudgetMs: number;
  collectUnknown: boolean;
  maxInputChars: number;
}

export function loadChatbotConfig(env: Env): ChatbotConfig {
  const c = parseEnv(schema, env, 'chatbot');
  return {
    languageKakao: c.CHATBOT_LANGUAGE_KAKAO,
    languageMessenger: c.CHATBOT_LANGUAGE_MESSENGER,
    kakaoSkillHeader: c.KAKAO_SKILL_HEADER.toLowerCase(),
    kakaoBotId: c.KAKAO_BOT_ID,
    graphBaseUrl: c.MESSENGER_GRAPH_BASE_URL.replace(/\/+$/, ''),
    messengerAckDeadlineMs: c.MESSENGER_ACK_DEADLINE_MS,
    indexTtlMs: c.CHATBOT_INDEX_TTL_SECONDS * 1000,
    liveSearchBudgetMs: c.CHATBOT_LIVE_SEARCH_BUDGET_MS,
    collectUnknown: c.CHATBOT_COLLECT_UNKNOWN,
    maxInputChars: c.CHATBOT_MAX_INPUT_CHARS,
  };
}
