SELECT * FROM `${project}.${dataset}.instagram_brands` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
