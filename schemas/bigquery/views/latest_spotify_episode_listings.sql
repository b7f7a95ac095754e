SELECT * FROM `${project}.${dataset}.spotify_episode_listings` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY show_id ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
