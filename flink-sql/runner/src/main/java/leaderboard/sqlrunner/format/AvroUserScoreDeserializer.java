package leaderboard.sqlrunner.format;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.apache.flink.table.data.RowData;

/**
 * Avro records in Confluent's wire format, decoded by Flink's own avro-confluent decoder (the writer's
 * schema fetched from the registry by the id the record carries, resolved against the columns), and
 * held to the JSON input's validity rule: a record whose header, schema id or body is wrong (kind
 * bad_avro), or whose ids are null or empty, is skipped and counted like a malformed JSON record.
 * Flink's decoder alone fails the job on any of these.
 *
 * A registry that cannot be reached is not a bad record: that failure is thrown, so the job restarts
 * (its restart strategy) until the registry answers, and no valid event is skipped meanwhile.
 */
final class AvroUserScoreDeserializer implements DeserializationSchema<RowData> {
  private static final long serialVersionUID = 1L;
  private static final int HEADER_BYTES = 5;

  private final DeserializationSchema<RowData> avro;
  private final UserScoreDeserializer.Column[] columns;
  private final SkippedRecords skipped = new SkippedRecords();

  AvroUserScoreDeserializer(DeserializationSchema<RowData> avro, UserScoreDeserializer.Column[] columns) {
    this.avro = avro;
    this.columns = columns;
  }

  @Override
  public void open(InitializationContext context) throws Exception {
    avro.open(context);
    skipped.open(context.getMetricGroup());
  }

  @Override
  public RowData deserialize(byte[] message) throws IOException {
    if (message == null || message.length < HEADER_BYTES) {
      return skip("bad_avro", "record value is shorter than Confluent's 5-byte header");
    }
    if (message[0] != 0) return skip("bad_avro", "record value does not start with Confluent's magic byte 0 (got " + (message[0] & 0xff) + ")");
    RowData row;
    try {
      row = avro.deserialize(message);
    } catch (IOException e) {
      if (registryUnreachable(e)) throw e;
      return skip("bad_avro", describe(e));
    } catch (RuntimeException e) {
      return skip("bad_avro", describe(e));
    }
    if (row == null) return skip("bad_avro", "record value decoded to nothing");
    for (int i = 0; i < columns.length; i++) {
      UserScoreDeserializer.Column column = columns[i];
      if (row.isNullAt(i)) return skip(column.missingKind(), "field " + column.field + " is null");
      if (column.isId() && row.getString(i).toBytes().length == 0) return skip("empty_id", "field " + column.field + " must not be empty");
    }
    return row;
  }

  private RowData skip(String kind, String message) {
    skipped.skip(kind, message);
    return null;
  }

  /** No answer from the registry, or a 5xx: its trouble, not the record's. */
  static boolean registryUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RestClientException rest) return rest.getStatus() >= 500;
      if (t instanceof SocketException || t instanceof SocketTimeoutException || t instanceof UnknownHostException) return true;
    }
    return false;
  }

  /** The innermost reason, which names what was wrong (an unknown id, a truncated body...). */
  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() == null) continue;
      if (text.length() > 0) text.append(": ");
      text.append(t.getMessage());
    }
    return text.length() > 0 ? text.toString() : e.getClass().getSimpleName();
  }

  @Override
  public boolean isEndOfStream(RowData nextElement) {
    return false;
  }

  @Override
  public TypeInformation<RowData> getProducedType() {
    return avro.getProducedType();
  }
}
