import { z } from 'zod';
import { envSettings, type Env } from '../../platform/env.js';

export type SpotifyTier = 'development' | 'extended';

/** Page caps and endpoint availability per access tier (shared/api-facts.md, 2026). */
export const TIER_LIMITS = {
  development: {
    search: 10,
    artistAlbums: 10,
    showEpisodes: 50,
    albumTracks: 50,
    batchGets: false,
    topTracks: false,
  },
  extended: {
    search: 50,
    artistAlbums: 50,
    showEpisodes: 50,
    albumTracks: 50,
    batchGets: true,
    topTracks: true,
  },
} as const satisfies Record<SpotifyTier, unknown>;

/** Secret Manager ids the Spotify client reads (Terraform grants access to exactly these). */
export const SPOTIFY_SECRET_IDS = ['spotify-client-id', 'spotify-client-secret'] as const;

/** Search results never go past this offset, whatever the tier. */
export const SEARCH_MAX_OFFSET = 1000;

export type SpotifyConfig = {
  apiBaseUrl: string;
  accountsBaseUrl: string;
  market: string;
  tier: SpotifyTier;
  clientIdSecret: string;
  clientSecretSecret: string;
};

const loadSettings = envSettings('Spotify', {
  apiBaseUrl: ['SPOTIFY_API_BASE_URL', z.url().default('https://api.spotify.com/v1')],
  accountsBaseUrl: ['SPOTIFY_ACCOUNTS_BASE_URL', z.url().default('https://accounts.spotify.com')],
  market: [
    'SPOTIFY_MARKET',
    z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as BR or US')
      .default('US'),
  ],
  tier: ['SPOTIFY_TIER', z.enum(['development', 'extended']).default('development')],
  clientIdSecret: ['SPOTIFY_CLIENT_ID_SECRET', z.string().default('spotify-client-id')],
  clientSecretSecret: ['SPOTIFY_CLIENT_SECRET_SECRET', z.string().default('spotify-client-secret')],
});

export function loadSpotifyConfig(env: Env): SpotifyConfig {
  return loadSettings(env);
}
