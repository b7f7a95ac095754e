SELECT * FROM `${project}.${dataset}.spotify_track_artists` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY track_id, artist_id ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
