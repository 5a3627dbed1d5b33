-- The `user-score` input (ARCHITECTURE.md section 3) and the valid events every metric reads.
-- The double-brace markers are filled in by flink-sql/src/render.ts.
--
-- Validity is decided by JSON type, not by coercion, exactly as the oracle does (oracle/src/parse-event.ts).
-- The JSON format cannot do that: even with 'json.ignore-parse-errors' it turns "17" and 17.5 into the
-- INT 17 and the number 123 into the STRING '123' (measured on Flink 1.20.3). So the value is read raw
-- and each member is checked with the SQL/JSON functions: JSON_QUERY(... WITH UNCONDITIONAL ARRAY WRAPPER)
-- renders a member as JSON, so a string starts with '["' and an integer literal is digits only (Jackson
-- renders 17.0, 1e2 and 1.5 with a '.' or an 'E'). Invalid UTF-8 (bytes that do not survive a decode and
-- re-encode) and non-objects are skipped too. Nothing here can fail the job: every check yields NULL or
-- FALSE on bad input, and TRY_CAST turns an out-of-range integer into NULL.

CREATE TEMPORARY TABLE user_score (
  payload BYTES,
  -- The event-time attribute. A record without a valid integer event time gets epoch 0 instead of NULL,
  -- which would fail the watermark operator ("RowTime field should not be null"); such a record is
  -- invalid and filtered below, and at epoch 0 it can never advance the watermark.
  event_time AS TO_TIMESTAMP_LTZ(COALESCE(
    CASE WHEN REGEXP(JSON_QUERY(DECODE(payload, 'UTF-8'), '$.event_time_millis' WITH UNCONDITIONAL ARRAY WRAPPER), '^\[-?[0-9]+\]$')
         THEN TRY_CAST(JSON_VALUE(DECODE(payload, 'UTF-8'), '$.event_time_millis') AS BIGINT) END,
    0), 3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '{{input_topic}}',
  'properties.bootstrap.servers' = '{{bootstrap_servers}}',
  'properties.group.id' = '{{group_id}}',
  'scan.startup.mode' = '{{startup_mode}}',
  'format' = 'raw'
);

CREATE TEMPORARY VIEW valid_user_score AS
SELECT
  JSON_VALUE(doc, '$.user_id') AS user_id,
  JSON_VALUE(doc, '$.team_id') AS team_id,
  JSON_VALUE(doc, '$.team_name') AS team_name,
  CAST(JSON_VALUE(doc, '$.score') AS INT) AS score,
  event_time
FROM (
  SELECT DECODE(payload, 'UTF-8') AS doc, payload, event_time FROM user_score
)
WHERE doc IS JSON OBJECT
  AND ENCODE(doc, 'UTF-8') = payload
  -- IS JSON OBJECT accepts trailing text after the object (Jackson reads the first value only).
  AND REGEXP(doc, '\}[ \t\r\n]*$')
  AND JSON_QUERY(doc, '$.user_id' WITH UNCONDITIONAL ARRAY WRAPPER) LIKE '["%'
  AND JSON_VALUE(doc, '$.user_id') <> ''
  AND JSON_QUERY(doc, '$.team_id' WITH UNCONDITIONAL ARRAY WRAPPER) LIKE '["%'
  AND JSON_VALUE(doc, '$.team_id') <> ''
  AND JSON_QUERY(doc, '$.team_name' WITH UNCONDITIONAL ARRAY WRAPPER) LIKE '["%'
  AND JSON_VALUE(doc, '$.team_name') <> ''
  AND REGEXP(JSON_QUERY(doc, '$.score' WITH UNCONDITIONAL ARRAY WRAPPER), '^\[-?[0-9]+\]$')
  AND TRY_CAST(JSON_VALUE(doc, '$.score') AS BIGINT) BETWEEN -2147483648 AND 2147483647
  AND REGEXP(JSON_QUERY(doc, '$.event_time_millis' WITH UNCONDITIONAL ARRAY WRAPPER), '^\[-?[0-9]+\]$')
  AND TRY_CAST(JSON_VALUE(doc, '$.event_time_millis') AS BIGINT) IS NOT NULL;
