// Chatbot settings, validated from the environment like every module's (functions/platform/env.ts).
import { z } from 'zod';
import { boolFlag, envSettings, positiveInt, type Env } from '../../platform/env.js';
import { SPOTIFY_SECRET_IDS } from '../../sources/spotify/config.js';
import type { LiveLimitsConfig } from './live-guard.js';

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
  matchThreshold: number;
  cacheHitMs: number;
  cacheMissMs: number;
  limits: LiveLimitsConfig;
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
  /** Name similarity (0.5-1) a live hit needs to be taken; below it: "did you mean". */
  matchThreshold: ['CHATBOT_MATCH_THRESHOLD', z.coerce.number().min(0.5).max(1).default(0.8)],
  /** How long a live search's hits (and "nothing found") are reused. */
  cacheHitMs: [
    'CHATBOT_SEARCH_CACHE_HIT_SECONDS',
    positiveInt.default(86_400).transform((s) => s * 1000),
  ],
  cacheMissMs: [
    'CHATBOT_SEARCH_CACHE_MISS_SECONDS',
    positiveInt.default(3_600).transform((s) => s * 1000),
  ],
  /** Live-search and collect budgets, per chat user and per instance. */
  searchesPerUserPerHour: ['CHATBOT_SEARCHES_PER_USER_PER_HOUR', positiveInt.default(20)],
  searchesPerMinute: ['CHATBOT_SEARCHES_PER_MINUTE', positiveInt.default(120)],
  collectsPerUserPerDay: ['CHATBOT_COLLECTS_PER_USER_PER_DAY', positiveInt.default(5)],
  collectsPerHour: ['CHATBOT_COLLECTS_PER_HOUR', positiveInt.default(30)],
});

export function loadChatbotConfig(env: Env): ChatbotConfig {
  const {
    searchesPerUserPerHour,
    searchesPerMinute,
    collectsPerUserPerDay,
    collectsPerHour,
    ...settings
  } = loadSettings(env);
  return {
    ...settings,
    limits: { searchesPerUserPerHour, searchesPerMinute, collectsPerUserPerDay, collectsPerHour },
  };
}
