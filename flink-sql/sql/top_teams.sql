-- Top Teams (docs/boards.md): per team_id the sum of scores, ranked by total_score desc,
-- then team_name asc, then team_id asc (only two teams sharing a name need it). team_name is the
-- greatest name seen for the team, so the result does not depend on arrival order.
-- Flink orders STRING by its UTF-8 bytes (BinaryStringData#compareTo; measured: Z < é < U+FF21 < U+1F525),
-- which is the code-point order the contract asks for.
INSERT INTO top_teams
SELECT rnk, team_id, team_name, total_score
FROM (
  SELECT team_id, team_name, total_score,
    ROW_NUMBER() OVER (ORDER BY total_score DESC, team_name ASC, team_id ASC) AS rnk
  FROM (
    SELECT team_id, MAX(team_name) AS team_name, SUM(CAST(score AS BIGINT)) AS total_score
    FROM valid_user_score
    GROUP BY team_id
  )
)
WHERE rnk <= {{size}};
