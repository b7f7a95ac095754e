SELECT a.artist_id AS artist_a_id, MAX(a.artist_name) AS artist_a_name,
  b.artist_id AS artist_b_id, MAX(b.artist_name) AS artist_b_name,
  COUNT(DISTINCT a.track_id) AS shared_tracks, COUNT(DISTINCT a.album_id) AS shared_albums,
  MAX(GREATEST(a.collected_at, b.collected_at)) AS last_collected_at
FROM `${project}.${dataset}.latest_spotify_track_artists` AS a
JOIN `${project}.${dataset}.latest_spotify_track_artists` AS b
  ON a.track_id = b.track_id AND a.artist_id < b.artist_id
GROUP BY a.artist_id, b.artist_id
