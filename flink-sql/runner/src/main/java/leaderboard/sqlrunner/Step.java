package leaderboard.sqlrunner;

import java.util.List;

/** What the runner does with a script, in order: single statements and statement sets. */
public sealed interface Step {

  /** Any statement outside a statement set (SET, CREATE, INSERT, ...). */
  record Single(Statement statement) implements Step {}

  /** INSERTs run as one job, so one source scan can feed several sinks. */
  record StatementSet(Statement opener, List<Statement> inserts) implements Step {}

  /**
   * Groups statements: {@code BEGIN STATEMENT SET; INSERT ...; END;} and
   * {@code EXECUTE STATEMENT SET BEGIN INSERT ...; INSERT ...; END;} become one {@link StatementSet}.
   */
  static List<Step> group(List<Statement> statements) {
    List<Step> steps = new java.util.ArrayList<>();
    Statement opener = null;
    List<Statement> inserts = null;
    for (Statement s : statements) {
      String head3 = s.head(3);
      String head4 = s.head(4);
      if (opener == null) {
        if (head3.equals("BEGIN STATEMENT SET")) {
          requireOnly(s, 3);
          opener = s;
          inserts = new java.util.ArrayList<>();
        } else if (head4.equals("EXECUTE STATEMENT SET BEGIN")) {
          opener = s;
          inserts = new java.util.ArrayList<>();
          String first = ScriptSplitter.stripLeadingComments(s.sql().strip().split("(?i)^EXECUTE\\s+STATEMENT\\s+SET\\s+BEGIN", 2)[1]);
          if (!first.isEmpty()) {
            inserts.add(requireInsert(new Statement(s.number(), s.line(), first)));
          }
        } else if (s.head(1).equals("END")) {
          throw new ScriptException(s.where() + ": END without BEGIN STATEMENT SET");
        } else {
          steps.add(new Single(s));
        }
      } else if (s.head(1).equals("END")) {
        requireOnly(s, 1);
        if (inserts.isEmpty()) {
          throw new ScriptException(opener.where() + ": statement set without INSERT statements");
        }
        steps.add(new StatementSet(opener, List.copyOf(inserts)));
        opener = null;
        inserts = null;
      } else {
        inserts.add(requireInsert(s));
      }
    }
    if (opener != null) {
      throw new ScriptException(opener.where() + ": statement set is not closed with END");
    }
    return steps;
  }

  private static Statement requireInsert(Statement s) {
    if (!s.head(1).equals("INSERT")) {
      throw new ScriptException(s.where() + ": only INSERT statements are allowed in a statement set, got '" + s.head(2) + "'");
    }
    return s;
  }

  private static void requireOnly(Statement s, int words) {
    if (s.sql().strip().split("\\s+").length != words) {
      throw new ScriptException(s.where() + ": unexpected text after '" + s.head(words) + "'");
    }
  }
}
