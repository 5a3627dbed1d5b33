package leaderboard.sqlrunner;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Runs (or, in validate mode, plans) the steps of a script with one streaming TableEnvironment. Validate
 * mode executes SET and DDL (they only touch the in-memory catalog), compiles every INSERT and
 * statement set to a plan, which resolves connectors and formats and checks their options, and builds
 * the job graph, which compiles the generated operator code (some expressions plan but fail only
 * there, e.g. FLOOR of a TIMESTAMP_LTZ in Flink 1.20), without submitting a job or connecting to
 * anything.
 */
final class FlinkExecutor {
  private static final Pattern SET = Pattern.compile("(?is)SET\\s+'((?:[^']|'')+)'\\s*=\\s*'((?:[^']|'')*)'");
  private static final long VALIDATE_CHECKPOINT_INTERVAL_MS = 10_000;
  private final StreamExecutionEnvironment streams;
  private final TableEnvironment env;
  private final boolean validate;
  private final JsonLog log;

  FlinkExecutor(boolean validate, JsonLog log) {
    this.validate = validate;
    this.log = log;
    // Jobs run through the plain TableEnvironment, as in the JobManager; validation needs the
    // DataStream bridge to reach the job graph without executing.
    this.streams = validate ? StreamExecutionEnvironment.getExecutionEnvironment() : null;
    // The job graph builder loads (and so compiles) every operator's class only for a checkpointed job.
    if (validate) streams.enableCheckpointing(VALIDATE_CHECKPOINT_INTERVAL_MS);
    this.env = validate
        ? StreamTableEnvironment.create(streams, EnvironmentSettings.inStreamingMode())
        : TableEnvironment.create(EnvironmentSettings.inStreamingMode());
  }

  void run(List<Step> steps) {
    for (Step step : steps) {
      if (step instanceof Step.Single single) {
        runSingle(single.statement());
      } else if (step instanceof Step.StatementSet set) {
        runSet(set);
      }
    }
  }

  private void runSingle(Statement s) {
    try {
      if (s.head(1).equals("SET")) {
        set(s);
        return;
      }
      if (validate && s.head(1).equals("INSERT")) {
        env.compilePlanSql(s.sql());
        StreamStatementSet single = ((StreamTableEnvironment) env).createStatementSet();
        single.addInsertSql(s.sql());
        buildJobGraph(single);
        log.info("planned", "statement", s.number(), "line", s.line());
        return;
      }
      TableResult result = env.executeSql(s.sql());
      result.getJobClient().ifPresent(job -> log.info("submitted", "statement", s.number(), "line", s.line(), "jobId", job.getJobID().toString()));
    } catch (RuntimeException e) {
      throw new ScriptException(s.where() + " failed: " + rootMessage(e), e);
    }
  }

  /**
   * {@code SET 'key' = 'value'} changes the table config, which Flink applies to the jobs submitted
   * afterwards (TableEnvironment#executeSql does not accept SET; only the SQL client does).
   */
  private void set(Statement s) {
    Matcher m = SET.matcher(s.sql());
    if (!m.matches()) {
      throw new ScriptException(s.where() + ": expected SET 'key' = 'value', got: " + s.sql());
    }
    String key = m.group(1).replace("''", "'");
    String value = m.group(2).replace("''", "'");
    env.getConfig().getConfiguration().setString(key, value);
  }

  /** Translates the inserts to operators and builds the job graph, which compiles their generated code. */
  private void buildJobGraph(StreamStatementSet statements) {
    statements.attachAsDataStream();
    streams.getStreamGraph().getJobGraph();
  }

  private void runSet(Step.StatementSet set) {
    StatementSet statements = env.createStatementSet();
    for (Statement insert : set.inserts()) {
      try {
        statements.addInsertSql(insert.sql());
      } catch (RuntimeException e) {
        throw new ScriptException(insert.where() + " failed: " + rootMessage(e), e);
      }
    }
    try {
      if (validate) {
        statements.compilePlan();
        buildJobGraph((StreamStatementSet) statements);
        log.info("planned statement set", "statement", set.opener().number(), "line", set.opener().line(), "inserts", set.inserts().size());
        return;
      }
      TableResult result = statements.execute();
      log.info("submitted statement set", "statement", set.opener().number(), "line", set.opener().line(),
          "jobId", result.getJobClient().map(j -> j.getJobID().toString()).orElse("none"));
    } catch (RuntimeException e) {
      throw new ScriptException("statement set at " + set.opener().where() + " failed: " + rootMessage(e), e);
    }
  }

  /** The innermost distinct message: Flink wraps the informative cause several times. */
  static String rootMessage(Throwable e) {
    StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable t = e.getCause();
    int depth = 0;
    while (t != null && depth++ < 8) {
      if (t.getMessage() != null && !b.toString().contains(t.getMessage())) b.append(" | caused by: ").append(t.getMessage());
      t = t.getCause();
    }
    return b.toString();
  }
}
