SELECT * FROM `${project}.${dataset}.spotify_artist_genres` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY artist_id, genre ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
