SELECT * FROM `${project}.${dataset}.spotify_artist_top_tracks` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY artist_id, market, rank ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
