SELECT * FROM `${project}.${dataset}.events` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY source, event_key ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
