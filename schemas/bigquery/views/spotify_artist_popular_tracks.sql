WITH top AS (
  SELECT artist_id, track_id, rank AS source_rank, 'top_tracks' AS basis
  FROM `${project}.${dataset}.latest_spotify_artist_top_tracks`
), newest AS (
  SELECT c.artist_id, c.track_id,
    ROW_NUMBER() OVER (PARTITION BY c.artist_id ORDER BY CASE WHEN c.position = 1 THEN 0 ELSE 1 END, al.release_date DESC NULLS LAST, t.album_id, t.disc_number, t.track_number, t.track_id) AS source_rank,
    'newest_albums' AS basis
  FROM `${project}.${dataset}.latest_spotify_track_artists` AS c
  JOIN `${project}.${dataset}.latest_spotify_tracks` AS t ON t.track_id = c.track_id
  LEFT JOIN `${project}.${dataset}.latest_spotify_albums` AS al ON al.album_id = t.album_id
  WHERE c.artist_id NOT IN (SELECT artist_id FROM top)
), picked AS (
  SELECT * FROM top
  UNION ALL
  SELECT * FROM newest WHERE source_rank <= 10
)
SELECT p.artist_id, p.track_id, p.source_rank AS rank, p.basis, t.name AS track_name,
  t.album_id, al.name AS album_name, al.release_date, t.popularity, t.preview_url, t.spotify_url
FROM picked AS p
LEFT JOIN `${project}.${dataset}.latest_spotify_tracks` AS t ON t.track_id = p.track_id
LEFT JOIN `${project}.${dataset}.latest_spotify_albums` AS al ON al.album_id = t.album_id
