package leaderboard.sqlrunner.functions;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Scanner;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.types.Row;

/**
 * `hot_streak_windows(score, event_time, short_millis, long_millis)`, aggregated per player: the mean
 * score of the player's events in [T - short, T] and in [T - long, T], where T is the player's latest
 * event time. hot_streaks.sql states the metric; this is how it is computed in one operator with
 * state bounded by the long window.
 *
 * <p>Why not SQL's OVER windows: they compute both averages for every event, need an interval join to
 * pair them and a deduplication to keep the latest, four stateful operators that took most of the
 * pipeline's time. Only the windows of the latest event matter, so this keeps the events of the last
 * long window of each player and evaluates once per player and mini-batch. The result depends on the
 * set of events only, never on their arrival order: an event more than the long window older than T
 * can never enter the windows of the latest event (T only grows) and is not kept.
 *
 * <p>Sums of INT scores are exact in a long and stay exact when turned into a double for the
 * division, so the averages are bit for bit the oracle's.
 */
@FunctionHint(
    input = {@DataTypeHint("INT"), @DataTypeHint("TIMESTAMP_LTZ(3)"), @DataTypeHint("BIGINT"), @DataTypeHint("BIGINT")},
    accumulator = @DataTypeHint(value = "RAW", bridgedTo = HotStreakWindows.Events.class),
    output = @DataTypeHint("ROW<short_term_avg DOUBLE, long_term_avg DOUBLE>"))
public final class HotStreakWindows extends AggregateFunction<Row, HotStreakWindows.Events> {

  /** The player's events no older than the long window before the latest, in arrival order. */
  public static final class Events {
    public long latest = Long.MIN_VALUE;
    public long oldest = Long.MAX_VALUE;
    public long shortMillis;
    public long longMillis;
    public long[] times = new long[4];
    public int[] scores = new int[4];
    public int size;
  }

  @Override
  public Events createAccumulator() {
    return new Events();
  }

  public void accumulate(Events acc, Integer score, Instant eventTime, Long shortMillis, Long longMillis) {
    if (score == null || eventTime == null || shortMillis == null || longMillis == null) return;
    long time = eventTime.toEpochMilli();
    acc.shortMillis = shortMillis;
    acc.longMillis = longMillis;
    if (acc.size > 0 && time < acc.latest - longMillis) return;
    if (time > acc.latest) {
      acc.latest = time;
      if (acc.oldest < time - longMillis) dropBefore(acc, time - longMillis);
    }
    if (acc.size == acc.times.length) {
      acc.times = Arrays.copyOf(acc.times, acc.size * 2);
      acc.scores = Arrays.copyOf(acc.scores, acc.size * 2);
    }
    acc.times[acc.size] = time;
    acc.scores[acc.size] = score;
    acc.size++;
    acc.oldest = Math.min(acc.oldest, time);
  }

  private static void dropBefore(Events acc, long threshold) {
    int kept = 0;
    long oldest = Long.MAX_VALUE;
    for (int i = 0; i < acc.size; i++) {
      if (acc.times[i] >= threshold) {
        acc.times[kept] = acc.times[i];
        acc.scores[kept] = acc.scores[i];
        oldest = Math.min(oldest, acc.times[i]);
        kept++;
      }
    }
    acc.size = kept;
    acc.oldest = oldest;
  }

  @Override
  public Row getValue(Events acc) {
    if (acc.size == 0) return null;
    long shortSum = 0;
    long longSum = 0;
    int shortCount = 0;
    int longCount = 0;
    // Every kept event is in the long window of the latest (accumulate keeps nothing older).
    for (int i = 0; i < acc.size; i++) {
      longSum += acc.scores[i];
      longCount++;
      if (acc.latest - acc.times[i] <= acc.shortMillis) {
        shortSum += acc.scores[i];
        shortCount++;
      }
    }
    return Row.of((double) shortSum / shortCount, (double) longSum / longCount);
  }

  /**
   * For the tests against the oracle: reads `user_id score event_time_millis` lines in arrival order,
   * aggregates them per player as Flink would (windows from the arguments, short then long) and
   * prints `user_id short_term_avg long_term_avg` per player.
   */
  public static void main(String[] args) {
    HotStreakWindows function = new HotStreakWindows();
    long shortMillis = Long.parseLong(args[0]);
    long longMillis = Long.parseLong(args[1]);
    Map<String, Events> players = new LinkedHashMap<>();
    Scanner in = new Scanner(System.in, java.nio.charset.StandardCharsets.US_ASCII);
    while (in.hasNext()) {
      String user = in.next();
      int score = in.nextInt();
      long time = in.nextLong();
      function.accumulate(players.computeIfAbsent(user, u -> function.createAccumulator()), score, Instant.ofEpochMilli(time), shortMillis, longMillis);
    }
    StringBuilder out = new StringBuilder();
    players.forEach((user, acc) -> {
      Row averages = function.getValue(acc);
      out.append(user).append(' ').append(averages.getField(0)).append(' ').append(averages.getField(1)).append('\n');
    });
    System.out.print(out);
  }
}
