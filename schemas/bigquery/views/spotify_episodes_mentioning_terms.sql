SELECT m.term, e.episode_id, e.show_id, e.name, e.description, e.release_date, e.release_date_precision,
  e.duration_ms, e.language, e.languages, e.explicit, e.type, e.spotify_url, e.collected_at
FROM `${project}.${dataset}.latest_spotify_episode_mentions` AS m
JOIN `${project}.${dataset}.latest_spotify_episodes` AS e ON e.episode_id = m.episode_id
WHERE m.matched
