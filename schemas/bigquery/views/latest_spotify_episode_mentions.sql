SELECT * FROM `${project}.${dataset}.spotify_episode_mentions` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY episode_id, term ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
