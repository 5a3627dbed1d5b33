-- Hot Streaks (ARCHITECTURE.md section 4.3). For each event at event time t, the mean score of the
-- player's events in [t - 10 s, t] and [t - 60 s, t]: RANGE OVER windows include both bounds and every
-- event at t (peers). Flink computes all aggregates of one OVER clause on one window only, so each
-- window has its own OVER query and an interval join on (user_id, event_time) pairs them (peers pair up
-- several times with identical values, which the deduplication below absorbs). AVG over DOUBLE: sums
-- of INT scores are exact in a double, so each average is one correctly rounded division (AVG over
-- INT would truncate). A player's current values are those of the latest event by event time
-- (deduplication keeps the last row by rowtime). A long-term average of 0 gives no hotness: filtered
-- after the deduplication, so a player whose latest event has it leaves the board. Ranked by hotness
-- desc, then user_id asc. Events behind the 5 s watermark are dropped by the OVER windows (late).
INSERT INTO hot_streaks
SELECT rnk, user_id, short_term_avg, long_term_avg, peak_hotness
FROM (
  SELECT user_id, short_term_avg, long_term_avg, peak_hotness,
    ROW_NUMBER() OVER (ORDER BY peak_hotness DESC, user_id ASC) AS rnk
  FROM (
    SELECT user_id, short_term_avg, long_term_avg, short_term_avg / long_term_avg AS peak_hotness
    FROM (
      SELECT s.user_id, s.short_term_avg, l.long_term_avg,
        ROW_NUMBER() OVER (PARTITION BY s.user_id ORDER BY s.event_time DESC) AS latest
      FROM (
        SELECT user_id, event_time,
          AVG(CAST(score AS DOUBLE)) OVER (
            PARTITION BY user_id ORDER BY event_time RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW
          ) AS short_term_avg
        FROM valid_user_score
      ) AS s
      JOIN (
        SELECT user_id, event_time,
          AVG(CAST(score AS DOUBLE)) OVER (
            PARTITION BY user_id ORDER BY event_time RANGE BETWEEN INTERVAL '60' SECOND PRECEDING AND CURRENT ROW
          ) AS long_term_avg
        FROM valid_user_score
      ) AS l
      ON s.user_id = l.user_id AND s.event_time BETWEEN l.event_time AND l.event_time
    )
    WHERE latest = 1
  )
  WHERE long_term_avg <> 0
)
WHERE rnk <= {{size}};
