SELECT * FROM `${project}.${dataset}.spotify_episode_presence` WHERE NOT removed
