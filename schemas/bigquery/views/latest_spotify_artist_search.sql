SELECT * FROM `${project}.${dataset}.spotify_artist_search` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY query, market ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
