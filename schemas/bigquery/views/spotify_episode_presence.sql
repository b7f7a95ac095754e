WITH capped AS (
  SELECT DISTINCT run_id FROM `${project}.${dataset}.latest_data_quality`
  WHERE table_name = 'spotify_episodes' AND check_name = 'page_cap_reached'
), complete AS (
  SELECT DISTINCT l.show_id, l.run_id FROM `${project}.${dataset}.spotify_episode_listings` AS l
  LEFT JOIN `${project}.${dataset}.latest_job_runs` AS r ON r.run_id = l.run_id
  WHERE r.run_id IS NULL OR r.outcome <> 'failed'
), listings AS (
  SELECT e.show_id, COALESCE(
    MAX(CASE WHEN k.run_id IS NOT NULL THEN e.collected_at END),
    MAX(CASE WHEN r.outcome = 'succeeded' AND r.job = 'spotify.podcast_episodes' AND c.run_id IS NULL THEN e.collected_at END),
    MAX(e.collected_at)) AS listed_at
  FROM `${project}.${dataset}.spotify_episodes` AS e
  LEFT JOIN complete AS k ON k.run_id = e.run_id AND k.show_id = e.show_id
  LEFT JOIN `${project}.${dataset}.latest_job_runs` AS r ON r.run_id = e.run_id
  LEFT JOIN capped AS c ON c.run_id = e.run_id
  GROUP BY e.show_id
), seen AS (
  SELECT episode_id, MIN(collected_at) AS first_seen_at, MAX(collected_at) AS last_seen_at
  FROM `${project}.${dataset}.spotify_episodes` GROUP BY episode_id
)
SELECT e.*, s.first_seen_at, s.last_seen_at, s.last_seen_at < l.listed_at AS removed
FROM `${project}.${dataset}.latest_spotify_episodes` AS e
JOIN seen AS s ON s.episode_id = e.episode_id
JOIN listings AS l ON l.show_id = e.show_id
