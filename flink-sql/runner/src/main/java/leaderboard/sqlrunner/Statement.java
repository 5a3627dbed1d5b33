package leaderboard.sqlrunner;

/**
 * One statement of a script, with where it starts so errors can point at it.
 *
 * @param number 1-based position of the statement in the script
 * @param line 1-based line of the statement's first character
 * @param sql the statement text without the terminating semicolon and surrounding comments/blanks
 */
public record Statement(int number, int line, String sql) {

  /** The statement's leading words, upper-cased and single-spaced, for dispatch. */
  public String head(int words) {
    String[] parts = sql.trim().split("\\s+", words + 1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(words, parts.length); i++) {
      if (i > 0) out.append(' ');
      out.append(parts[i].toUpperCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }

  public String where() {
    return "statement " + number + " (line " + line + ")";
  }
}
