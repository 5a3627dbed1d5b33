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

  public static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

}
