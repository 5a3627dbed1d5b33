-- Top Players (docs/boards.md): per user_id the sum of scores with the player's team_name
-- (the greatest seen, so arrival order does not matter), ranked by total_score desc, then user_id asc
-- (UTF-8 byte order, see top_teams.sql).
INSERT INTO top_players
SELECT rnk, user_id, team_name, total_score
FROM (
  SELECT user_id, team_name, total_score,
    ROW_NUMBER() OVER (ORDER BY total_score DESC, user_id ASC) AS rnk
  FROM (
    SELECT user_id, MAX(team_name) AS team_name, SUM(CAST(score AS BIGINT)) AS total_score
    FROM valid_user_score
    GROUP BY user_id
  )
)
WHERE rnk <= {{size}};
