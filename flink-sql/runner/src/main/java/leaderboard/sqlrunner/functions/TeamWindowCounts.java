package leaderboard.sqlrunner.functions;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * `team_window_counts(user_id, event_time_millis, window_minutes)`, aggregated per team: each player's
 * event count per minute of event time (milliseconds / 60000, as SQL's integer division counts it),
 * for the team's latest minute and the `window_minutes` before it. suspected_bots.sql states the
 * metric; the window itself is cut by the game clock in {@link SuspectedBots}.
 *
 * <p>The game clock is never behind the team's latest event, so a minute more than the window before
 * the team's latest can never be in a window again and is dropped: the state of a team is at most
 * window + 1 minutes of its players' counts, and the result depends on the set of events only, not
 * on their arrival order (a late event in a dropped minute would have been dropped had it come first).
 */
@FunctionHint(
    input = {@DataTypeHint("STRING"), @DataTypeHint("BIGINT"), @DataTypeHint("INT")},
    accumulator = @DataTypeHint(value = "RAW", bridgedTo = TeamWindowCounts.Counts.class),
    output = @DataTypeHint("MAP<BIGINT, MAP<STRING, BIGINT>>"))
public final class TeamWindowCounts extends AggregateFunction<Map<Long, Map<String, Long>>, TeamWindowCounts.Counts> {

  /** Counts by minute, then by player. */
  public static final class Counts {
    public long latestMinute = Long.MIN_VALUE;
    public TreeMap<Long, HashMap<String, Long>> byMinute = new TreeMap<>();
  }

  @Override
  public Counts createAccumulator() {
    return new Counts();
  }

  public void accumulate(Counts acc, String userId, Long eventTimeMillis, Integer windowMinutes) {
    if (userId == null || eventTimeMillis == null || windowMinutes == null) return;
    long minute = eventTimeMillis / 60000;
    if (minute > acc.latestMinute) {
      acc.latestMinute = minute;
      acc.byMinute.headMap(minute - windowMinutes).clear();
    }
    if (minute < acc.latestMinute - windowMinutes) return;
    acc.byMinute.computeIfAbsent(minute, m -> new HashMap<>()).merge(userId, 1L, Long::sum);
  }

  @Override
  public Map<Long, Map<String, Long>> getValue(Counts acc) {
    if (acc.byMinute.isEmpty()) return null;
    // A copy: the accumulator keeps changing after the row is emitted (object reuse is on).
    Map<Long, Map<String, Long>> value = new HashMap<>();
    acc.byMinute.forEach((minute, players) -> value.put(minute, new HashMap<>(players)));
    return value;
  }
}
