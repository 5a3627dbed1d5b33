-- Team MVPs (docs/boards.md). Per team, each player's share player_total / team_total
-- (DOUBLE division: a DECIMAL division by zero would fail the job; teams with a total of 0 are dropped
-- first anyway, they have no MVP). The MVP is the greatest share (ties: user_id asc); with a negative
-- team total that is the most negative player total, as the division says. MVPs are ranked by share
-- desc, then team_name asc, then team_id asc. team_name is the team's greatest name seen.
INSERT INTO team_mvps
SELECT rnk, user_id, team_name, player_total, team_total, contrib_ratio
FROM (
  SELECT user_id, team_name, player_total, team_total, contrib_ratio,
    ROW_NUMBER() OVER (ORDER BY contrib_ratio DESC, team_name ASC, team_id ASC) AS rnk
  FROM (
    SELECT team_id, user_id, team_name, player_total, team_total, contrib_ratio,
      ROW_NUMBER() OVER (PARTITION BY team_id ORDER BY contrib_ratio DESC, user_id ASC) AS team_rnk
    FROM (
      SELECT p.team_id, p.user_id, t.team_name, p.player_total, t.team_total,
        CAST(p.player_total AS DOUBLE) / CAST(t.team_total AS DOUBLE) AS contrib_ratio
      FROM (
        SELECT team_id, user_id, SUM(CAST(score AS BIGINT)) AS player_total
        FROM valid_user_score
        GROUP BY team_id, user_id
      ) AS p
      JOIN (
        SELECT team_id, MAX(team_name) AS team_name, SUM(CAST(score AS BIGINT)) AS team_total
        FROM valid_user_score
        GROUP BY team_id
      ) AS t ON p.team_id = t.team_id
      WHERE t.team_total <> 0
    )
  )
  WHERE team_rnk = 1
)
WHERE rnk <= {{size}};
