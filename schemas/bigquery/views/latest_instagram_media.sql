SELECT * FROM `${project}.${dataset}.instagram_media` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY media_id ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
