package leaderboard.sqlrunner;

import java.time.Instant;

/** Structured log lines (one JSON object per line) on stderr. */
public final class JsonLog {
  private final String component;

  public JsonLog(String component) {
    this.component = component;
  }

  public void info(String msg, Object... kv) {
    write("info", msg, kv);
  }

  public void error(String msg, Object... kv) {
    write("error", msg, kv);
  }

  private void write(String level, String msg, Object... kv) {
    StringBuilder b = new StringBuilder("{");
    field(b, "time", Instant.now().toString());
    field(b, "level", level);
    field(b, "component", component);
    field(b, "msg", msg);
    for (int i = 0; i + 1 < kv.length; i += 2) field(b, String.valueOf(kv[i]), kv[i + 1]);
    b.setLength(b.length() - 1);
    System.err.println(b.append('}'));
  }

  private static void field(StringBuilder b, String key, Object value) {
    b.append(quote(key)).append(':');
    b.append(value instanceof Number || value instanceof Boolean ? value.toString() : quote(String.valueOf(value)));
    b.append(',');
  }

  /** A JSON string; control characters and unpaired surrogates escaped, so the output is always valid UTF-8. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c) && !isPaired(s, i)) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  private static boolean isPaired(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

}
