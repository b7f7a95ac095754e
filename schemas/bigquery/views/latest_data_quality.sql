SELECT * FROM `${project}.${dataset}.data_quality` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY run_id, table_name, check_name ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
