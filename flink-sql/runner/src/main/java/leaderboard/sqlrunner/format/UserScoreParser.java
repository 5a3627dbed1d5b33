package leaderboard.sqlrunner.format;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Scanner;
import leaderboard.sqlrunner.JsonLog;

/**
 * The validity rule of docs/boards.md, decided in one pass over the record: exactly one
 * JSON object (strict RFC 8259, valid UTF-8, a leading byte order mark skipped, nesting up to 1000)
 * whose user_id, team_id and team_name are non-empty strings and whose score and event_time_millis
 * are integer literals (no fraction, no exponent) within SQL INT and BIGINT; a repeated member keeps
 * its last value. It is the oracle's rule (oracle/src/parse-event.ts, oracle/src/json-text.ts) line
 * for line, and a test holds the two to the same verdict on every record kind.
 */
public final class UserScoreParser {
  /** A valid event. */
  public record UserScore(String userId, String teamId, String teamName, int score, long eventTimeMillis) implements Result {}

  /** Why a record is skipped; `kind` is one of the oracle's invalid kinds. */
  public record Invalid(String kind, String message) implements Result {}

  public sealed interface Result permits UserScore, Invalid {}

  private static final int MAX_DEPTH = 1000;
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** Member values the rule looks at: a string, a number's source text, or another kind. */
  private enum Kind { STRING, NUMBER, OTHER }

  private static final String[] FIELDS = {"user_id", "team_id", "team_name", "score", "event_time_millis"};

  private final String text;
  private int pos;
  /** The root object's last value of each field, null when absent. */
  private final Value[] fields = new Value[FIELDS.length];

  private UserScoreParser(String text) {
    this.text = text;
  }

  public static Result parse(byte[] raw) {
    if (raw == null) return new Invalid("bad_json", "record value is empty (null)");
    String text;
    try {
      text = decoder().decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      return new Invalid("bad_json", "record value is not valid UTF-8");
    }
    // Jackson and the oracle's decoder both skip one leading byte order mark.
    if (text.startsWith("\uFEFF")) text = text.substring(1);
    return new UserScoreParser(text).event();
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  private Result event() {
    skipWhitespace();
    Kind rootKind;
    String rootDescription;
    try {
      if (peek() == '{') {
        object(1, true);
        rootKind = null;
        rootDescription = null;
      } else {
        rootDescription = describe(value(0));
        rootKind = Kind.OTHER;
      }
      skipWhitespace();
      if (pos < text.length()) throw fail("unexpected content after the JSON value");
    } catch (SyntaxError e) {
      return new Invalid("bad_json", "record value is not JSON: " + e.getMessage());
    }
    if (rootKind != null) return new Invalid("not_object", "record value must be a JSON object, got " + rootDescription);
    for (int i = 0; i < 3; i++) {
      if (fields[i] == null) return new Invalid("missing_id", "field " + FIELDS[i] + " is missing");
      if (fields[i].kind() != Kind.STRING) return new Invalid("id_not_string", "field " + FIELDS[i] + " must be a string, got " + describe(fields[i]));
      if (fields[i].text().isEmpty()) return new Invalid("empty_id", "field " + FIELDS[i] + " must not be empty");
    }
    Object score = integer(3, INT_MIN, INT_MAX, "missing_score", "score_not_integer", "score_out_of_range", "INT");
    if (score instanceof Invalid invalid) return invalid;
    Object time = integer(4, LONG_MIN, LONG_MAX, "missing_event_time", "event_time_not_integer", "event_time_out_of_range", "BIGINT");
    if (time instanceof Invalid invalid) return invalid;
    return new UserScore(fields[0].text(), fields[1].text(), fields[2].text(), ((BigInteger) score).intValue(), ((BigInteger) time).longValue());
  }

  private Object integer(int field, BigInteger min, BigInteger max, String missing, String notInteger, String outOfRange, String sqlType) {
    String name = FIELDS[field];
    Value value = fields[field];
    if (value == null) return new Invalid(missing, "field " + name + " is missing");
    if (value.kind() != Kind.NUMBER || !isIntegerLiteral(value.text())) {
      return new Invalid(notInteger, "field " + name + " must be an integer literal, got " + describe(value));
    }
    BigInteger exact = new BigInteger(value.text());
    if (exact.compareTo(min) < 0 || exact.compareTo(max) > 0) {
      return new Invalid(outOfRange, "field " + name + " must be within SQL " + sqlType + " [" + min + ", " + max + "], got " + value.text());
    }
    return exact;
  }

  /** No fraction, no exponent: Jackson's VALUE_NUMBER_INT. The number grammar already holds. */
  private static boolean isIntegerLiteral(String number) {
    return number.indexOf('.') < 0 && number.indexOf('e') < 0 && number.indexOf('E') < 0;
  }

  // ---- the strict reader (oracle/src/json-text.ts) ------------------------------------------------

  private static final class SyntaxError extends Exception {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  /** A value read for what it is: a string, a number's text, or a description of anything else. */
  private record Value(Kind kind, String text) {}

  private SyntaxError fail(String message) {
    return new SyntaxError(message + " at offset " + pos);
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      pos++;
    }
  }

  private static String describe(Value v) {
    return switch (v.kind()) {
      case STRING -> "the string " + JsonLog.quote(v.text());
      case NUMBER -> "the number " + v.text();
      case OTHER -> v.text();
    };
  }

  private Value value(int depth) throws SyntaxError {
    if (depth > MAX_DEPTH) throw fail("nesting deeper than " + MAX_DEPTH);
    char c = atEnd() ? '\0' : text.charAt(pos);
    if (c == '{') {
      object(depth + 1, false);
      return new Value(Kind.OTHER, "an object");
    }
    if (c == '[') {
      array(depth + 1);
      return new Value(Kind.OTHER, "an array");
    }
    if (c == '"') return new Value(Kind.STRING, string());
    if (literal("true")) return new Value(Kind.OTHER, "the boolean true");
    if (literal("false")) return new Value(Kind.OTHER, "the boolean false");
    if (literal("null")) return new Value(Kind.OTHER, "null");
    return new Value(Kind.NUMBER, number());
  }

  private boolean literal(String word) {
    if (!text.startsWith(word, pos)) return false;
    pos += word.length();
    return true;
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, longest match. */
  private String number() throws SyntaxError {
    int start = pos;
    int p = pos;
    if (p < text.length() && text.charAt(p) == '-') p++;
    if (p < text.length() && text.charAt(p) == '0') {
      p++;
    } else if (p < text.length() && text.charAt(p) >= '1' && text.charAt(p) <= '9') {
      while (p < text.length() && isDigit(text.charAt(p))) p++;
    } else {
      throw fail("expected a JSON value");
    }
    if (p + 1 < text.length() && text.charAt(p) == '.' && isDigit(text.charAt(p + 1))) {
      p += 2;
      while (p < text.length() && isDigit(text.charAt(p))) p++;
    }
    if (p < text.length() && (text.charAt(p) == 'e' || text.charAt(p) == 'E')) {
      int q = p + 1;
      if (q < text.length() && (text.charAt(q) == '+' || text.charAt(q) == '-')) q++;
      if (q < text.length() && isDigit(text.charAt(q))) {
        while (q < text.length() && isDigit(text.charAt(q))) q++;
        p = q;
      }
    }
    pos = p;
    return text.substring(start, p);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void expect(char c) throws SyntaxError {
    if (peek() != c || atEnd()) throw fail("expected '" + c + "'");
    pos++;
  }

  /** An object; at the root its members of interest are kept (a repeated name keeps its last value). */
  private void object(int depth, boolean root) throws SyntaxError {
    expect('{');
    skipWhitespace();
    if (!atEnd() && peek() == '}') {
      pos++;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (atEnd() || peek() != '"') throw fail("expected a member name");
      String name = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Value v = value(depth);
      if (root) keep(name, v);
      skipWhitespace();
      if (!atEnd() && peek() == '}') {
        pos++;
        return;
      }
      expect(',');
    }
  }

  private void keep(String name, Value v) {
    for (int i = 0; i < FIELDS.length; i++) {
      if (FIELDS[i].equals(name)) fields[i] = v;
    }
  }

  private void array(int depth) throws SyntaxError {
    expect('[');
    skipWhitespace();
    if (!atEnd() && peek() == ']') {
      pos++;
      return;
    }
    for (;;) {
      skipWhitespace();
      value(depth);
      skipWhitespace();
      if (!atEnd() && peek() == ']') {
        pos++;
        return;
      }
      expect(',');
    }
  }

  private String string() throws SyntaxError {
    expect('"');
    StringBuilder out = null;
    int start = pos;
    for (;;) {
      if (atEnd()) throw fail("unterminated string");
      char c = text.charAt(pos);
      if (c == '"') {
        String s = out == null ? text.substring(start, pos) : out.append(text, start, pos).toString();
        pos++;
        return s;
      }
      if (c < 0x20) throw fail("unescaped control character in string");
      if (c != '\\') {
        pos++;
        continue;
      }
      if (out == null) out = new StringBuilder();
      out.append(text, start, pos);
      out.append(escape());
      start = pos;
    }
  }

  private char escape() throws SyntaxError {
    char e = pos + 1 < text.length() ? text.charAt(pos + 1) : '\0';
    pos += 2;
    switch (e) {
      case '"': return '"';
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': {
        if (pos + 4 > text.length()) throw fail("bad \\u escape");
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(text.charAt(pos + i), 16);
          if (digit < 0 || text.charAt(pos + i) > 'f') throw fail("bad \\u escape");
          code = code * 16 + digit;
        }
        pos += 4;
        return (char) code;
      }
      default:
        pos -= 2;
        throw fail("bad escape");
    }
  }

  /**
   * Conformance entry point for the tests that hold this rule to the oracle's: reads one base64
   * record per line on stdin and prints one JSON line per record, the event or the invalid kind.
   */
  public static void main(String[] args) {
    Scanner in = new Scanner(System.in, StandardCharsets.US_ASCII);
    StringBuilder out = new StringBuilder();
    while (in.hasNextLine()) {
      String line = in.nextLine();
      Result r = parse(Base64.getDecoder().decode(line));
      if (r instanceof UserScore e) {
        out.append("{\"user_id\":").append(JsonLog.quote(e.userId())).append(",\"team_id\":").append(JsonLog.quote(e.teamId()))
            .append(",\"team_name\":").append(JsonLog.quote(e.teamName())).append(",\"score\":").append(e.score())
            .append(",\"event_time_millis\":").append(e.eventTimeMillis()).append("}\n");
      } else {
        Invalid i = (Invalid) r;
        out.append("{\"invalid\":").append(JsonLog.quote(i.kind())).append(",\"message\":").append(JsonLog.quote(i.message())).append("}\n");
      }
    }
    System.out.print(out);
  }
}
