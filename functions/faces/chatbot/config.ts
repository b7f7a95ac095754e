// Chatbot settings, validated from the environment like every module's (functions/platform/env.ts).
import { z } from 'zod';
import { boolFlag, envSettings, positiveInt, type Env } from '../../platform/env.js';
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

const loadSettings = envSettings('chatbot', {
  languageKakao: ['CHATBOT_LANGUAGE_KAKAO', language.default('ko')],
  languageMessenger: ['CHATBOT_LANGUAGE_MESSENGER', language.default('en')],
  /** Header carrying the shared value set in the OpenBuilder skill settings. */
  kakaoSkillHeader: [
    'KAKAO_SKILL_HEADER',
    z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name')
      .default('x-fanpulse-skill-key')
      .transform((h) => h.toLowerCase()),
  ],
  /** When set, Kakao requests must name this bot (body bot.id). */
  kakaoBotId: ['KAKAO_BOT_ID', z.string().min(1).optional()],
  graphBaseUrl: [
    'MESSENGER_GRAPH_BASE_URL',
    z
      .url()
      .default('https://graph.facebook.com/v24.0')
      .transform((u) => u.replace(/\/+$/, '')),
  ],
  /** How long a Messenger POST may work on its replies before it acknowledges anyway. */
  messengerAckDeadlineMs: ['MESSENGER_ACK_DEADLINE_MS', positiveInt.default(8000)],
  /** Artist index refresh period (the warehouse is re-read after this). */
  indexTtlMs: ['CHATBOT_INDEX_TTL_SECONDS', positiveInt.default(900).transform((s) => s * 1000)],
  /** Longest wait for a live Spotify search; the whole answer stays under 4.5 s. */
  liveSearchBudgetMs: ['CHATBOT_LIVE_SEARCH_BUDGET_MS', positiveInt.max(3500).default(2500)],
  /** Publish a collect job for artists found only by live search. */
  collectUnknown: ['CHATBOT_COLLECT_UNKNOWN', boolFlag.default(true)],
  /** Longest accepted message; longer ones get a "send just the name" reply. */
  maxInputChars: ['CHATBOT_MAX_INPUT_CHARS', positiveInt.max(1000).default(100)],
});

export function loadChatbotConfig(env: Env): ChatbotConfig {
  return loadSettings(env);
}
