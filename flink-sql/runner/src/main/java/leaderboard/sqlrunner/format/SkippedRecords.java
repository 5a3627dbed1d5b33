package leaderboard.sqlrunner.format;

import java.io.Serializable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invalid records a source subtask skipped: counted in its `invalidRecords` metric (the dashboard
 * shows it), and logged at the 1st, 10th, 100th... so a flood of bad input stays a few lines.
 */
final class SkippedRecords implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SkippedRecords.class);

  private transient Counter counter;
  private transient long skipped;

  void open(MetricGroup metrics) {
    counter = metrics.counter("invalidRecords");
  }

  void skip(String kind, String message) {
    if (counter != null) counter.inc();
    skipped++;
    long magnitude = 1;
    while (magnitude * 10 <= skipped) magnitude *= 10;
    if (skipped == magnitude) {
      LOG.warn("skipped invalid user-score record ({} so far in this subtask): {}: {}", skipped, kind, message);
    }
  }
}
