-- The `user-score` input (docs/boards.md, Input) and the valid events every metric reads.
-- The double-brace markers are filled in by flink-sql/src/render.ts (table: `TEMPORARY TABLE` in a job,
-- `TABLE` in the SQL client's catalog; kafka_client_options: the security settings of a Kafka that needs
-- them, and further options where the caller adds some, or nothing).
--
-- Validity is decided by JSON type, not by coercion, exactly as the oracle does (oracle/src/parse-event.ts).
-- Flink's JSON format cannot do that: even with 'json.ignore-parse-errors' it turns "17" and 17.5 into
-- the INT 17 and the number 123 into the STRING '123' (measured on Flink 1.20.3). The runner jar's
-- format `leaderboard-user-score` reads each record once, strictly, and yields only valid events:
-- invalid records never become rows (they are counted in the source's `invalidRecords` metric), so
-- nothing here can fail the job and every event time is a real one.

CREATE {{table}} user_score (
  user_id STRING,
  team_id STRING,
  team_name STRING,
  score INT,
  event_time_millis BIGINT,
  event_time AS TO_TIMESTAMP_LTZ(event_time_millis, 3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '{{input_topic}}',
  'properties.bootstrap.servers' = '{{bootstrap_servers}}',
  'properties.group.id' = '{{group_id}}',
  'scan.startup.mode' = '{{startup_mode}}',
  'format' = 'leaderboard-user-score'{{kafka_client_options}}
);

-- Functions of the runner jar the metrics use.
CREATE TEMPORARY SYSTEM FUNCTION hot_streak_windows AS 'leaderboard.sqlrunner.functions.HotStreakWindows' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION team_window_counts AS 'leaderboard.sqlrunner.functions.TeamWindowCounts' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION suspected_bots AS 'leaderboard.sqlrunner.functions.SuspectedBots' LANGUAGE JAVA;

CREATE TEMPORARY VIEW valid_user_score AS
SELECT user_id, team_id, team_name, score, event_time_millis, event_time FROM user_score;

-- The game clock of the boards "right now" (Hot Streaks, Suspected Bots): the latest event time of
-- any valid event (the watermark trails it by its fixed 5 s) in whole minutes since the epoch
-- (integer division of the milliseconds), as one row under the constant key clock_key = 0 that the
-- metrics join on.
-- It is an aggregate of the events, not the watermark itself: the boards then depend on the set of
-- events only, never on how partitions interleave or when the job ran. Counting whole minutes makes
-- the clock change once per minute, so re-testing every key against it stays cheap.
CREATE TEMPORARY VIEW game_clock AS
SELECT clock_key, MAX(event_time_millis / 60000) AS clock_minute
FROM (SELECT CAST(0 AS INT) AS clock_key, event_time_millis FROM valid_user_score)
GROUP BY clock_key;
