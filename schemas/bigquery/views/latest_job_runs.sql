SELECT * FROM `${project}.${dataset}.job_runs` WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY run_id ORDER BY collected_at DESC, run_id DESC, insert_id DESC) = 1
