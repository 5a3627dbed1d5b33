-- Hot Streaks (docs/boards.md). A player's current values are those of their latest
-- event by event time, T: the mean score of the player's events in [T - 10 s, T] (short) and in
-- [T - 60 s, T] (long), both bounds inclusive, every event at T included. peak_hotness = short / long;
-- a long-term average of 0 gives no hotness, so such a player is not on the board. Ranked by hotness
-- desc, then user_id asc.
-- "Hot right now": only players whose latest event is at or after the game clock's minute minus
-- {{active_minutes}} minutes are ranked (the game clock: source.sql), so players leave the board, and
-- their rows are retracted, as whole minutes of event time pass; a player who plays again returns.
-- The windows are one aggregate per player (hot_streak_windows, from the runner jar: it keeps the
-- player's last 60 s of events, so its state is bounded by the long window): it depends on the set of
-- events only, not on their arrival order, and is evaluated once per player and mini-batch. Both
-- averages are one correctly rounded division of an exact sum, the same as the oracle's.
INSERT INTO hot_streaks
SELECT rnk, user_id, short_term_avg, long_term_avg, peak_hotness
FROM (
  SELECT user_id, short_term_avg, long_term_avg, peak_hotness,
    ROW_NUMBER() OVER (ORDER BY peak_hotness DESC, user_id ASC) AS rnk
  FROM (
    SELECT player.user_id, player.short_term_avg, player.long_term_avg,
      player.short_term_avg / player.long_term_avg AS peak_hotness
    FROM (
      SELECT user_id, w.short_term_avg AS short_term_avg, w.long_term_avg AS long_term_avg, latest, clock_key
      FROM (
        SELECT user_id, hot_streak_windows(score, event_time, CAST(10000 AS BIGINT), CAST(60000 AS BIGINT)) AS w,
          MAX(event_time_millis) AS latest, CAST(0 AS INT) AS clock_key
        FROM valid_user_score
        GROUP BY user_id
      )
    ) AS player
    JOIN game_clock
    ON player.clock_key = game_clock.clock_key
    WHERE player.long_term_avg <> 0
      AND player.latest >= (game_clock.clock_minute - {{active_minutes}}) * 60000
  )
)
WHERE rnk <= {{size}};
