SELECT * FROM `${project}.${dataset}.instagram_hashtags` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY hashtag ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
