package leaderboard.sqlrunner;

/** A script that cannot be split, grouped or run; the message says where. */
public final class ScriptException extends RuntimeException {
  public ScriptException(String message) {
    super(message);
  }

  public ScriptException(String message, Throwable cause) {
    super(message, cause);
  }
}
