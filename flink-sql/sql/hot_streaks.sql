-- Hot Streaks (ARCHITECTURE.md section 4.3). For each event at event time t, the mean score of the
-- player's events in [t - 10 s, t] and [t - 60 s, t]: RANGE OVER windows include both bounds and every
-- event at t (peers). Flink computes all aggregates of one OVER clause on one window only, so each
-- window has its own OVER query and an interval join on (user_id, event_time) pairs them (peers pair up
-- several times with identical values, which the deduplication below absorbs). The two OVER queries
-- must differ in more than their range: Flink 1.20's sub-plan reuse treats OVER aggregations that
-- differ only in the range as one (the range constants are not in the plan digest; measured: both
-- averages came out equal), so the long one is written as SUM/COUNT over BIGINT. Both averages are
-- one correctly rounded division of an exact sum (INT scores sum exactly in a double and a BIGINT), the
-- same as the oracle's; AVG over INT would truncate. A player's current values are those of the latest event by event time
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
        SELECT user_id, event_time, CAST(long_sum AS DOUBLE) / long_count AS long_term_avg
        FROM (
          SELECT user_id, event_time,
            SUM(CAST(score AS BIGINT)) OVER w AS long_sum,
            COUNT(*) OVER w AS long_count
          FROM valid_user_score
          WINDOW w AS (PARTITION BY user_id ORDER BY event_time RANGE BETWEEN INTERVAL '60' SECOND PRECEDING AND CURRENT ROW)
        )
      ) AS l
      ON s.user_id = l.user_id AND s.event_time BETWEEN l.event_time AND l.event_time
    )
    WHERE latest = 1
  )
  WHERE long_term_avg <> 0
)
WHERE rnk <= {{size}};
