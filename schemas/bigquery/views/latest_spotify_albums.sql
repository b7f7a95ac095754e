SELECT * FROM `${project}.${dataset}.spotify_albums` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY album_id ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
