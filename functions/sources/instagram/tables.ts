import { col, defineTable, required } from '../../../schemas/define.js';

const contentHash = col.string(
  "SHA-256 of this snapshot's values (stable URL forms, without collected_at/run_id): two snapshots with the same hash say the same thing. Signed-CDN parameters (oh, oe, _nc_*...) change on every call and are not part of it.",
);
const stableUrl = (what: string) =>
  col.string(
    `${what}, with the volatile signed-CDN query parameters (oh, oe, _nc_*, efg, ccb, edm, ig_cache_key) removed; the signed URL as received is in the raw answer.`,
  );

export const instagramBrands = defineTable({
  name: 'instagram_brands',
  description:
    'Watched Instagram brand accounts from business discovery, one snapshot per hourly run: the follower time series.',
  key: ['user_id'],
  columns: {
    user_id: required(col.string('Instagram user id (17-19 digit string; never a number).')),
    username: col.string('Username as Instagram returns it.'),
    watched_username: required(col.string('The username on the watch list that was looked up.')),
    name: col.string('Display name; NULL when the account has none.'),
    profile_picture_url: stableUrl('Profile picture URL'),
    followers_count: col.int('Followers at collection time.'),
    follows_count: col.int('Accounts it follows at collection time.'),
    media_count: col.int('Number of media the account has published.'),
    content_hash: contentHash,
  },
});

export const instagramMedia = defineTable({
  name: 'instagram_media',
  description:
    "The watched brands' latest media from business discovery, one snapshot per run: the engagement time series.",
  key: ['media_id'],
  clustering: ['owner_user_id', 'media_id'],
  columns: {
    media_id: required(col.string('Instagram media id (digits, kept as a string).')),
    owner_user_id: required(col.string('User id of the brand account that published it.')),
    owner_username: col.string('Username of that account.'),
    timestamp: col.timestamp('Publication time (UTC), from Instagram\'s "+0000" form.'),
    caption: col.string('Caption; NULL when the media has none.'),
    media_type: col.string('IMAGE, VIDEO or CAROUSEL_ALBUM.'),
    media_product_type: col.string('AD, FEED, STORY or REELS.'),
    media_url: stableUrl('Media URL (NULL for reels with licensed audio or downloads disabled)'),
    permalink: col.string('Permanent link to the post.'),
    like_count: col.int('Likes; NULL when the owner hid them (never a fake 0).'),
    comments_count: col.int('Comments.'),
    content_hash: contentHash,
  },
});

export const instagramHashtags = defineTable({
  name: 'instagram_hashtags',
  description:
    'Watched hashtags and their (static, global) Instagram ids, written when a hashtag is first resolved.',
  key: ['hashtag'],
  columns: {
    hashtag: required(col.string('Hashtag, lower case, without "#".')),
    hashtag_id: col.string('Instagram hashtag id; NULL when Instagram knows no such hashtag.'),
  },
});

export const instagramHashtagMedia = defineTable({
  name: 'instagram_hashtag_media',
  description:
    'Public media of the last 24 hours under a watched hashtag (recent_media): a row when a run first sees a post and when one of its stored values (likes, comments, caption...) changed; a post a run saw unchanged gets no row (its answer is still in the raw store). collected_at is when the values were first seen, not the last time the post was seen.',
  key: ['hashtag', 'media_id'],
  columns: {
    hashtag: required(col.string('Hashtag, lower case, without "#".')),
    hashtag_id: required(col.string('Instagram hashtag id.')),
    media_id: required(col.string('Instagram media id (digits, kept as a string).')),
    timestamp: col.timestamp('Publication time (UTC).'),
    caption: col.string('Caption; NULL when the media has none.'),
    media_type: col.string('IMAGE, VIDEO or CAROUSEL_ALBUM.'),
    media_url: stableUrl('Media URL (NULL when Instagram omits it)'),
    permalink: col.string('Permanent link to the post.'),
    like_count: col.int('Likes; NULL when hidden.'),
    comments_count: col.int('Comments.'),
    content_hash: contentHash,
  },
});

export const instagramTables = [
  instagramBrands,
  instagramMedia,
  instagramHashtags,
  instagramHashtagMedia,
] as const;
