package leaderboard.sqlrunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Executes a Flink SQL script, like the Flink Kubernetes Operator's flink-sql-runner-example, or with
 * {@code --validate} parses and plans it without running anything.
 *
 * <pre>
 *   --script &lt;file&gt;   the script (required; with --validate it may repeat, each script is
 *                      planned in a fresh TableEnvironment, so one JVM checks many)
 *   --validate         plan every statement, submit nothing
 *   --print-statements print the split statements as JSON lines on stdout and stop (no Flink needed)
 * </pre>
 */
public final class SqlRunner {
  private static final JsonLog LOG = new JsonLog("sql-runner");

  private SqlRunner() {}

  public static void main(String[] args) {
    try {
      run(Args.parse(args));
    } catch (ScriptException | IllegalArgumentException e) {
      LOG.error(e.getMessage());
      // Inside a Flink cluster, main() must throw rather than exit: System.exit would take the JobManager down.
      if (insideFlinkCluster()) throw e;
      System.exit(1);
    }
  }

  record Args(List<Path> scripts, boolean validate, boolean printStatements) {
    static Args parse(String[] args) {
      List<Path> scripts = new java.util.ArrayList<>();
      boolean validate = false;
      boolean print = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--script" -> {
            if (i + 1 >= args.length) throw new IllegalArgumentException("--script needs a file path");
            scripts.add(Path.of(args[++i]));
          }
          case "--validate" -> validate = true;
          case "--print-statements" -> print = true;
          default -> throw new IllegalArgumentException(
              "unknown argument '" + args[i] + "'; allowed: --script <file>, --validate, --print-statements");
        }
      }
      if (scripts.isEmpty()) throw new IllegalArgumentException("--script <file> is required");
      if (scripts.size() > 1 && !validate) throw new IllegalArgumentException("--script may repeat only with --validate");
      return new Args(List.copyOf(scripts), validate, print);
    }
  }

  static void run(Args args) {
    for (Path script : args.scripts()) run(script, args);
  }

  private static void run(Path script, Args args) {
    String text;
    try {
      text = Files.readString(script, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ScriptException("cannot read --script " + script + ": " + e.getMessage(), e);
    }
    List<Statement> statements = ScriptSplitter.split(Placeholders.substitute(text, System.getenv(), !args.validate() && !args.printStatements()));
    if (args.printStatements()) {
      for (Statement s : statements) {
        System.out.println("{\"number\":" + s.number() + ",\"line\":" + s.line() + ",\"sql\":" + JsonLog.quote(s.sql()) + "}");
      }
      return;
    }
    LOG.info(args.validate() ? "validating" : "running", "script", script.toString(), "statements", statements.size());
    try {
      new FlinkExecutor(args.validate(), LOG).run(Step.group(statements));
    } catch (ScriptException e) {
      throw new ScriptException(script + ": " + e.getMessage(), e);
    }
    LOG.info(args.validate() ? "valid" : "done", "script", script.toString());
  }

  private static boolean insideFlinkCluster() {
    return System.getenv("FLINK_CONF_DIR") != null || System.getProperty("log.file") != null;
  }
}
