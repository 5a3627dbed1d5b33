-- Hot Streaks (ARCHITECTURE.md section 4.3). A player's current values are those of their latest
-- event by event time, T: the mean score of the player's events in [T - 10 s, T] (short) and in
-- [T - 60 s, T] (long), both bounds inclusive, every event at T included. peak_hotness = short / long;
-- a long-term average of 0 gives no hotness, so such a player is not on the board. Ranked by hotness
-- desc, then user_id asc.
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
    SELECT user_id, w.short_term_avg AS short_term_avg, w.long_term_avg AS long_term_avg,
      w.short_term_avg / w.long_term_avg AS peak_hotness
    FROM (
      SELECT user_id, hot_streak_windows(score, event_time, CAST(10000 AS BIGINT), CAST(60000 AS BIGINT)) AS w
      FROM valid_user_score
      GROUP BY user_id
    )
    WHERE w.long_term_avg <> 0
  )
)
WHERE rnk <= {{size}};
