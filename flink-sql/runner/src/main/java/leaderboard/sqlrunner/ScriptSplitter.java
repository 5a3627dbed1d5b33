package leaderboard.sqlrunner;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script on top-level semicolons. A semicolon inside a string literal ('it''s; fine'),
 * a quoted identifier (`a;b` or "a;b") or a comment (-- to end of line, /* ... *&#47;) does not end a
 * statement. Comments before a statement are dropped (so its first word says what it is); comments
 * inside one are kept, Flink's parser accepts them. A chunk of only comments and blanks is no statement.
 */
public final class ScriptSplitter {
  private ScriptSplitter() {}

  public static List<Statement> split(String script) {
    List<Statement> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int line = 1;
    int startLine = -1;
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      char next = i + 1 < n ? script.charAt(i + 1) : '\0';
      if (c == '-' && next == '-') {
        int end = script.indexOf('\n', i);
        end = end < 0 ? n : end;
        if (startLine >= 0) current.append(script, i, end);
        i = end;
        continue;
      }
      if (c == '/' && next == '*') {
        int end = script.indexOf("*/", i + 2);
        if (end < 0) {
          throw new ScriptException("unterminated /* comment starting at line " + line);
        }
        String comment = script.substring(i, end + 2);
        if (startLine >= 0) current.append(comment);
        line += count(comment, '\n');
        i = end + 2;
        continue;
      }
      if (c == '\'' || c == '`' || c == '"') {
        if (startLine < 0) startLine = line;
        int end = closingQuote(script, i, c);
        if (end < 0) {
          throw new ScriptException("unterminated " + c + " quote starting at line " + line);
        }
        String quoted = script.substring(i, end + 1);
        current.append(quoted);
        line += count(quoted, '\n');
        i = end + 1;
        continue;
      }
      if (c == ';') {
        add(statements, current, startLine);
        current.setLength(0);
        startLine = -1;
        i++;
        continue;
      }
      if (c == '\n') {
        line++;
      } else if (!Character.isWhitespace(c) && startLine < 0) {
        startLine = line;
      }
      current.append(c);
      i++;
    }
    add(statements, current, startLine);
    return statements;
  }

  /** The text without the blanks and comments it starts with. */
  static String stripLeadingComments(String sql) {
    String rest = sql.strip();
    while (true) {
      if (rest.startsWith("--")) {
        int end = rest.indexOf('\n');
        rest = end < 0 ? "" : rest.substring(end + 1).strip();
      } else if (rest.startsWith("/*")) {
        int end = rest.indexOf("*/");
        if (end < 0) return "";
        rest = rest.substring(end + 2).strip();
      } else {
        return rest;
      }
    }
  }

  /** Index of the quote closing the one at {@code open}; a doubled quote is an escaped quote. */
  private static int closingQuote(String s, int open, char quote) {
    int i = open + 1;
    while (i < s.length()) {
      if (s.charAt(i) == quote) {
        if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i;
      }
      i++;
    }
    return -1;
  }

  private static void add(List<Statement> statements, StringBuilder text, int startLine) {
    if (startLine < 0) return;
    statements.add(new Statement(statements.size() + 1, startLine, text.toString().strip()));
  }

  private static int count(String s, char c) {
    int k = 0;
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) == c) k++;
    return k;
  }
}
