// Deterministic content for the Instagram sandbox: brand accounts with media, and hashtag
// feeds whose posts appear over (fake) time. Ids are 17-19 digit strings, some beyond 2^53.
// Omitted fields as the real API omits them: some names, captions, media URLs (licensed
// audio reels) and like counts (hidden likes).

export interface Brand {
  id: string;
  username: string;
  name?: string;
  followers_count: number;
  follows_count: number;
  media_count: number;
  media: Array<Record<string, unknown>>;
}

const TYPES = ['IMAGE', 'VIDEO', 'CAROUSEL_ALBUM'] as const;
const PRODUCTS = ['FEED', 'REELS', 'FEED', 'AD'] as const;
export const SANDBOX_EPOCH = Date.parse('2026-11-20T10:00:00Z');

/** "2026-11-20T09:59:00+0000": the Graph API's timestamp form. */
function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** Signed CDN URL whose oh/oe/_nc_* parameters change on every call, as Instagram's do. */
export function cdnUrl(path: string): string {
  const nonce = Math.random().toString(36).slice(2, 10);
  const expiry = (Math.floor(Date.now() / 1000) + 86400 * 3).toString(16).toUpperCase();
  return `https://scontent-ssn1-1.cdninstagram.com/v/t51.29350-15/${path}?stp=dst-jpg_e35&_nc_cat=1&_nc_sid=8ae9d6&_nc_ohc=${nonce}&_nc_ht=scontent-ssn1-1.cdninstagram.com&oh=00_${nonce}&oe=${expiry}`;
}

function mediaRecord(
  id: string,
  index: number,
  at: number,
  prefix: string,
): Record<string, unknown> {
  const type = TYPES[index % 3]!;
  const product = type === 'VIDEO' ? 'REELS' : PRODUCTS[index % 4]!;
  const record: Record<string, unknown> = {
    id,
    timestamp: graphTime(at),
    caption: `${prefix} post ${index} #luxury`,
    media_type: type,
    media_product_type: product,
    media_url: cdnUrl(`${id}_n.jpg`),
    permalink: `https://www.instagram.com/p/${prefix.slice(0, 4)}${index.toString(36)}/`,
    like_count: 1000 + ((index * 37) % 900),
    comments_count: (index * 13) % 200,
  };
  if (index % 5 === 4) delete record.caption;
  if (index % 7 === 3) delete record.like_count; // the owner hid likes
  if (type === 'VIDEO' && index % 2 === 1) delete record.media_url; // licensed audio
  return record;
}

export function makeBrands(usernames: readonly string[], mediaPerBrand = 60): Map<string, Brand> {
  const brands = new Map<string, Brand>();
  usernames.forEach((username, b) => {
    // The first brand's ids are beyond 2^53 (19 digits); the rest are 17 digits.
    const id =
      b === 0
        ? `9${String(b).padStart(2, '0')}7199254740993011`
        : `178414000000${String(b + 10).padStart(5, '0')}`;
    const media = Array.from({ length: mediaPerBrand }, (_, j) =>
      mediaRecord(
        `18${String(b).padStart(2, '0')}${String(900_000_000_000_000 - j).padStart(15, '0')}`,
        j,
        SANDBOX_EPOCH - (j + 1) * 3 * 3600_000,
        username,
      ),
    );
    const brand: Brand = {
      id,
      username,
      name: `${username.toUpperCase()} Official`,
      followers_count: 1_000_000 * (b + 1) + 123,
      follows_count: 10 + b,
      media_count: 5000 + b,
      media,
    };
    if (b % 4 === 2) delete brand.name;
    brands.set(username, brand);
  });
  return brands;
}

export interface HashtagFeed {
  tag: string;
  id: string;
  /** Posts per hour (evenly spaced). */
  perHour: number;
  /** When the first post appeared. */
  since: number;
  /** Every Nth post reaches the feed late: its timestamp is `lateMinutes` before it appears. */
  lateEvery?: number;
  lateMinutes?: number;
}

/** The feed's posts visible at `now` (the last 24 hours), newest first but not strictly. */
export function feedPosts(
  feed: HashtagFeed,
  index: number,
  now: number,
): Array<Record<string, unknown>> {
  const spacing = 3600_000 / feed.perHour;
  const newest = Math.floor((now - feed.since) / spacing);
  const oldest = Math.max(0, Math.ceil((now - 24 * 3600_000 - feed.since) / spacing));
  const posts: Array<Record<string, unknown>> = [];
  for (let j = newest; j >= oldest; j--) {
    const id = `18${String(index).padStart(2, '0')}${String(j).padStart(15, '0')}`;
    const late = feed.lateEvery && j % feed.lateEvery === 0 ? (feed.lateMinutes ?? 10) : 0;
    posts.push(mediaRecord(id, j, feed.since + j * spacing - late * 60_000, feed.tag));
  }
  // recent_media is "not always in time order": swap every third pair.
  for (let k = 0; k + 1 < posts.length; k += 6)
    [posts[k], posts[k + 1]] = [posts[k + 1]!, posts[k]!];
  return posts;
}
