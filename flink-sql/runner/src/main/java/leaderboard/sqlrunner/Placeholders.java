package leaderboard.sqlrunner;

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
   * @param strict when false (validate mode), an unset variable becomes a dummy value: planning does not
   *     need the secret, and CI validates scripts without one
   */
  public static String substitute(String script, Map<String, String> env, boolean strict) {
    return fill(script, env, strict, true);
  }

  /**
   * @param sqlLiteral whether the text is SQL, where a value sits inside a string literal (its quotes
   *     doubled), or a plain value such as a table option (taken as it is)
   */
  public static String fill(String text, Map<String, String> env, boolean strict, boolean sqlLiteral) {
    Matcher m = PLACEHOLDER.matcher(text);
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
      m.appendReplacement(out, Matcher.quoteReplacement(sqlLiteral ? value.replace("'", "''") : value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
