package leaderboard.sqlrunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scripts never contain secrets: they say {@code ${LEADERBOARD_JDBC_PASSWORD}} and the runner fills it
 * in from its own environment just before executing. Only upper-case names are placeholders, so the
 * syntax cannot clash with anything in the SQL the renderer writes.
 */
public final class Placeholders {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");

  private Placeholders() {}

  /**
   * Fills in a script read from stdin and writes it to stdout: the SQL client's init script, which
   * Flink's client reads as it is, gets its secrets the way the runner's scripts do.
   */
  public static void main(String[] args) throws IOException {
    String script = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    try {
      System.out.write(substitute(script, System.getenv(), true).getBytes(StandardCharsets.UTF_8));
      System.out.flush();
    } catch (ScriptException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }

  /**
   * @param strict when false (validate mode), an unset variable becomes a dummy value: planning does not
   *     need the secret, and CI validates scripts without one
   */
  public static String substitute(String script, Map<String, String> env, boolean strict) {
    Matcher m = PLACEHOLDER.matcher(script);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = env.get(name);
      if (value == null) {
        if (strict) {
          throw new ScriptException(
              "environment variable " + name + " is not set; the script refers to ${" + name + "} (set it in the JobManager's environment)");
        }
        value = "unset-" + name;
      }
      // A value is placed inside a SQL string literal, so its quotes are doubled.
      m.appendReplacement(out, Matcher.quoteReplacement(value.replace("'", "''")));
    }
    m.appendTail(out);
    return out.toString();
  }
}
