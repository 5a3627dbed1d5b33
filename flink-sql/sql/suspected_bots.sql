-- Suspected Bots (in the spirit of Beam's GameStats spam detection). The window is the game clock's
-- minute (source.sql) and the {{bot_window_minutes}} minutes before it: events whose
-- event_time_millis / 60000 is at least clock_minute - {{bot_window_minutes}}. Per team (team_id), a
-- player's window_events n is their events in the window, and the peers are the team's other players
-- with an event in the window. A player is flagged when
--   n >= {{bot_min_events}}, peers >= {{bot_min_peers}} and n >= {{bot_ratio}} x peer_mean,
-- peer_mean being the peers' events / peers (compared exactly, as n x peers >= ratio x peers' events).
-- ratio = n / peer_mean. Ranked by ratio desc, then user_id asc, then team_id asc (one user in two
-- teams is two rows). Leave-one-out keeps a robot's own events out of the mean it is compared with.
-- Players leave the board as the window passes their events, their rows retracted.
-- team_window_counts (runner jar) keeps each team's counts per player and minute for the team's latest
-- minute and the window before it: state bounded by teams x (window + 1) minutes x players, and a
-- result that depends on the set of events only. suspected_bots (runner jar) cuts the window at the
-- clock and emits the flagged players of one team.
INSERT INTO suspected_bots
SELECT rnk, user_id, team_name, window_events, peer_mean, ratio
FROM (
  SELECT user_id, team_name, window_events, peer_mean, ratio,
    ROW_NUMBER() OVER (ORDER BY ratio DESC, user_id ASC, team_id ASC) AS rnk
  FROM (
    SELECT team.team_id, team.team_name, team.counts, game_clock.clock_minute
    FROM (
      SELECT team_id, MAX(team_name) AS team_name,
        team_window_counts(user_id, event_time_millis, CAST({{bot_window_minutes}} AS INT)) AS counts,
        CAST(0 AS INT) AS clock_key
      FROM valid_user_score
      GROUP BY team_id
    ) AS team
    JOIN game_clock ON team.clock_key = game_clock.clock_key
  ) AS team_at_clock,
  LATERAL TABLE(suspected_bots(counts, clock_minute, CAST({{bot_window_minutes}} AS INT), CAST({{bot_min_events}} AS INT),
    CAST({{bot_min_peers}} AS INT), CAST({{bot_ratio}} AS INT))) AS bot(user_id, window_events, peer_mean, ratio)
)
WHERE rnk <= {{size}};
