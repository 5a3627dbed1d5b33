package leaderboard.sqlrunner.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Scanner;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.types.Row;

/**
 * `suspected_bots(counts, clock_minute, window_minutes, min_events, min_peers, ratio)`: the players of
 * one team that suspected_bots.sql flags, from the team's {@link TeamWindowCounts} and the game clock.
 * A player's window count n is the sum of their counts in the minutes from clock_minute -
 * window_minutes on; the peers are the team's other players with a count in the window and their mean
 * is (sum of their counts) / peers. Flagged: n >= min_events, peers >= min_peers and n x peers >= ratio
 * x (sum of the peers' counts), compared in exact integers. Emitted: the player, n, the peers' mean and
 * n / mean as one division of exact integers (n x peers / sum), bit for bit the oracle's.
 */
@FunctionHint(
    input = {
      @DataTypeHint("MAP<BIGINT, MAP<STRING, BIGINT>>"),
      @DataTypeHint("BIGINT"),
      @DataTypeHint("INT"),
      @DataTypeHint("INT"),
      @DataTypeHint("INT"),
      @DataTypeHint("INT")
    },
    output = @DataTypeHint("ROW<user_id STRING, window_events BIGINT, peer_mean DOUBLE, ratio DOUBLE>"))
public final class SuspectedBots extends TableFunction<Row> {

  public void eval(Map<Long, Map<String, Long>> counts, Long clockMinute, Integer windowMinutes, Integer minEvents, Integer minPeers, Integer ratio) {
    if (counts == null || clockMinute == null || windowMinutes == null || minEvents == null || minPeers == null || ratio == null) return;
    flagged(counts, clockMinute, windowMinutes, minEvents, minPeers, ratio).forEach(this::collect);
  }

  static List<Row> flagged(Map<Long, Map<String, Long>> counts, long clockMinute, int windowMinutes, int minEvents, int minPeers, int ratio) {
    Map<String, Long> inWindow = new HashMap<>();
    long total = 0;
    for (Map.Entry<Long, Map<String, Long>> minute : counts.entrySet()) {
      if (minute.getKey() < clockMinute - windowMinutes) continue;
      for (Map.Entry<String, Long> player : minute.getValue().entrySet()) {
        inWindow.merge(player.getKey(), player.getValue(), Long::sum);
        total += player.getValue();
      }
    }
    List<Row> rows = new ArrayList<>();
    long peers = inWindow.size() - 1L;
    if (peers < minPeers) return rows;
    for (Map.Entry<String, Long> player : inWindow.entrySet()) {
      long n = player.getValue();
      long peerSum = total - n;
      if (n >= minEvents && n * peers >= ratio * peerSum) {
        rows.add(Row.of(player.getKey(), n, (double) peerSum / peers, (double) (n * peers) / peerSum));
      }
    }
    return rows;
  }

  /**
   * For the tests against the oracle: reads the arguments (clock_minute window_minutes min_events
   * min_peers ratio) and `team_id user_id event_time_millis` lines in arrival order, aggregates them per
   * team as Flink would, and prints `team_id user_id window_events peer_mean ratio` per flagged player.
   */
  public static void main(String[] args) {
    long clockMinute = Long.parseLong(args[0]);
    int windowMinutes = Integer.parseInt(args[1]);
    TeamWindowCounts aggregate = new TeamWindowCounts();
    Map<String, TeamWindowCounts.Counts> teams = new HashMap<>();
    Scanner in = new Scanner(System.in, java.nio.charset.StandardCharsets.US_ASCII);
    while (in.hasNext()) {
      String team = in.next();
      String user = in.next();
      long time = in.nextLong();
      aggregate.accumulate(teams.computeIfAbsent(team, t -> aggregate.createAccumulator()), user, time, windowMinutes);
    }
    StringBuilder out = new StringBuilder();
    teams.forEach((team, acc) -> {
      for (Row row : flagged(aggregate.getValue(acc), clockMinute, windowMinutes, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]))) {
        out.append(team).append(' ').append(row.getField(0)).append(' ').append(row.getField(1)).append(' ')
            .append(row.getField(2)).append(' ').append(row.getField(3)).append('\n');
      }
    });
    System.out.print(out);
  }
}
