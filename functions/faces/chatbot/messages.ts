// Every sentence the bot says, in Korean and English. Formatters fit them into limits.
import type { Language } from './config.js';
import type { ArtistReply, SimilarBecause, TextReason, TracksBasis } from './reply.js';

export interface Messages {
  text(reason: TextReason, query: string | null, hasSuggestions: boolean): string;
  tracksHeader(artist: string, basis: TracksBasis): string;
  noTracks(artist: string, collecting: boolean): string;
  similarHeader(artist: string): string;
  because(b: SimilarBecause): string;
  artistDescription(reply: ArtistReply): string;
  /** Kakao button labels are at most 14 characters, Messenger's 20: one label each. */
  openInSpotify: { kakao: string; messenger: string };
  listen: string;
  moreLikeThis: string;
  followers(n: number): string;
}

const ko: Messages = {
  text: (reason, query, hasSuggestions) => {
    const q = query ? `"${query}"` : '';
    const tryThese = hasSuggestions ? ' 아래 아티스트를 눌러 보세요.' : '';
    switch (reason) {
      case 'empty':
      case 'no_words':
        return `아티스트 이름을 보내 주세요. 예: 아이유, BTS, NewJeans.${tryThese}`;
      case 'too_long':
        return `메시지가 너무 길어요. 아티스트 이름만 보내 주세요.${tryThese}`;
      case 'not_found':
        return `${q} 아티스트를 찾지 못했어요. 철자를 확인하거나 다른 이름으로 보내 주세요.${tryThese}`;
      case 'search_slow':
        return `${q} 정보를 찾는 데 시간이 걸리고 있어요. 잠시 후 다시 물어봐 주세요.${tryThese}`;
      case 'search_failed':
        return `지금은 Spotify 검색을 할 수 없어요. 잠시 후 다시 시도해 주세요.${tryThese}`;
      case 'search_busy':
        return `지금은 새 아티스트 검색이 많아 잠시 쉬고 있어요. 조금 뒤에 다시 물어봐 주세요.${tryThese}`;
      case 'did_you_mean':
        return hasSuggestions
          ? `${q} 아티스트를 정확히 찾지 못했어요. 혹시 아래 아티스트인가요?`
          : `${q} 아티스트를 찾지 못했어요.`;
      case 'which_one':
        return '어느 아티스트가 궁금하세요? 아래에서 골라 주세요.';
      case 'welcome':
        return `안녕하세요! 아티스트 이름을 보내 주시면 추천곡과 비슷한 아티스트를 알려 드려요.${tryThese}`;
      case 'not_text':
        return `텍스트로 아티스트 이름을 보내 주세요.${tryThese}`;
      case 'unreadable':
        return `메시지를 읽지 못했어요. 아티스트 이름을 다시 보내 주세요.${tryThese}`;
      case 'error':
        return `잠시 문제가 생겼어요. 조금 뒤에 다시 물어봐 주세요.${tryThese}`;
    }
  },
  tracksHeader: (artist, basis) =>
    basis === 'top_tracks' ? `${artist} 인기곡` : `${artist} 최신 앨범 추천곡`,
  noTracks: (artist, collecting) =>
    collecting
      ? `${artist}의 곡 정보를 모으고 있어요. 잠시 후 다시 물어보면 추천곡을 알려 드릴게요.`
      : `${artist}의 곡 정보가 아직 없어요.`,
  similarHeader: (artist) => `${artist}와(과) 비슷한 아티스트`,
  because: (b) => {
    const parts: string[] = [];
    if (b.sharedTracks > 0) parts.push(`함께한 곡 ${b.sharedTracks}곡`);
    if (b.sharedGenres.length > 0) parts.push(`장르: ${b.sharedGenres.join(', ')}`);
    if (b.sharedCompilations > 0) parts.push(`같은 컴필레이션 ${b.sharedCompilations}장`);
    return parts.join(' · ') || '인기도가 비슷해요';
  },
  artistDescription: (r) => {
    if (r.artist.genres.length > 0) return `장르: ${r.artist.genres.join(', ')}`;
    if (r.source === 'live')
      return r.approximate ? 'Spotify 검색에서 가장 가까운 아티스트예요.' : 'Spotify 아티스트';
    return 'Spotify 아티스트';
  },
  openInSpotify: { kakao: 'Spotify에서 보기', messenger: 'Spotify에서 보기' },
  listen: '듣기',
  moreLikeThis: '이 아티스트는?',
  followers: (n) => `팔로워 ${n.toLocaleString('ko-KR')}명`,
};

const en: Messages = {
  text: (reason, query, hasSuggestions) => {
    const q = query ? `"${query}"` : 'that artist';
    const tryThese = hasSuggestions ? ' Or tap one of these artists.' : '';
    switch (reason) {
      case 'empty':
      case 'no_words':
        return `Send me an artist name, for example IU, BTS or NewJeans.${tryThese}`;
      case 'too_long':
        return `That message is too long. Send just the artist name.${tryThese}`;
      case 'not_found':
        return `I could not find ${q}. Check the spelling or try another name.${tryThese}`;
      case 'search_slow':
        return `Looking up ${q} is taking longer than usual. Please ask again in a moment.${tryThese}`;
      case 'search_failed':
        return `Spotify search is not available right now. Please try again later.${tryThese}`;
      case 'search_busy':
        return `I am searching too many new artists right now. Please ask again in a little while.${tryThese}`;
      case 'did_you_mean':
        return hasSuggestions
          ? `I am not sure which artist ${q} is. Did you mean one of these?`
          : `I could not find ${q}.`;
      case 'which_one':
        return 'Which artist do you mean? Pick one below.';
      case 'welcome':
        return `Hi! Send me an artist name and I will suggest songs and similar artists.${tryThese}`;
      case 'not_text':
        return `Send me an artist name as text.${tryThese}`;
      case 'unreadable':
        return `I could not read that message. Send me an artist name.${tryThese}`;
      case 'error':
        return `Something went wrong on my side. Please ask again in a moment.${tryThese}`;
    }
  },
  tracksHeader: (artist, basis) =>
    basis === 'top_tracks' ? `Top tracks by ${artist}` : `From ${artist}'s newest releases`,
  noTracks: (artist, collecting) =>
    collecting
      ? `I am collecting ${artist}'s songs now. Ask again soon for tracks to listen to.`
      : `I have no tracks by ${artist} yet.`,
  similarHeader: (artist) => `Artists like ${artist}`,
  because: (b) => {
    const parts: string[] = [];
    if (b.sharedTracks > 0)
      parts.push(`${b.sharedTracks} track${b.sharedTracks === 1 ? '' : 's'} together`);
    if (b.sharedGenres.length > 0) parts.push(`genres: ${b.sharedGenres.join(', ')}`);
    if (b.sharedCompilations > 0)
      parts.push(
        `${b.sharedCompilations} shared compilation${b.sharedCompilations === 1 ? '' : 's'}`,
      );
    return parts.join(' · ') || 'similar popularity';
  },
  artistDescription: (r) => {
    if (r.artist.genres.length > 0) return `Genres: ${r.artist.genres.join(', ')}`;
    if (r.source === 'live')
      return r.approximate ? 'Closest match in a Spotify search.' : 'Artist on Spotify';
    return 'Artist on Spotify';
  },
  openInSpotify: { kakao: 'Open Spotify', messenger: 'Open in Spotify' },
  listen: 'Listen',
  moreLikeThis: 'Tell me more',
  followers: (n) => `${n.toLocaleString('en-US')} followers`,
};

export function messagesFor(language: Language): Messages {
  return language === 'ko' ? ko : en;
}
