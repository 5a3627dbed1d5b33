package leaderboard.sqlrunner.format;

import java.io.IOException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/** Turns valid records into rows of the requested columns; an invalid record yields nothing (it is skipped). */
final class UserScoreDeserializer implements DeserializationSchema<RowData> {
  private static final long serialVersionUID = 1L;

  /** The event fields a column can hold. */
  enum Column {
    USER_ID("user_id", LogicalTypeRoot.VARCHAR),
    TEAM_ID("team_id", LogicalTypeRoot.VARCHAR),
    TEAM_NAME("team_name", LogicalTypeRoot.VARCHAR),
    SCORE("score", LogicalTypeRoot.INTEGER),
    EVENT_TIME_MILLIS("event_time_millis", LogicalTypeRoot.BIGINT);

    final String field;
    final LogicalTypeRoot type;

    Column(String field, LogicalTypeRoot type) {
      this.field = field;
      this.type = type;
    }

    static Column named(String name) {
      for (Column c : values()) if (c.field.equals(name)) return c;
      return null;
    }

    boolean accepts(LogicalTypeRoot root) {
      return root == type;
    }

    boolean isId() {
      return type == LogicalTypeRoot.VARCHAR;
    }

    /** The oracle's kind for this field missing. */
    String missingKind() {
      return switch (this) {
        case USER_ID, TEAM_ID, TEAM_NAME -> "missing_id";
        case SCORE -> "missing_score";
        case EVENT_TIME_MILLIS -> "missing_event_time";
      };
    }
  }

  private final Column[] columns;
  private final TypeInformation<RowData> producedType;
  private final SkippedRecords skipped = new SkippedRecords();

  UserScoreDeserializer(Column[] columns, TypeInformation<RowData> producedType) {
    this.columns = columns;
    this.producedType = producedType;
  }

  @Override
  public void open(InitializationContext context) {
    skipped.open(context.getMetricGroup());
  }

  @Override
  public RowData deserialize(byte[] message) throws IOException {
    UserScoreParser.Result result = UserScoreParser.parse(message);
    if (result instanceof UserScoreParser.Invalid invalid) {
      skipped.skip(invalid.kind(), invalid.message());
      return null;
    }
    UserScoreParser.UserScore event = (UserScoreParser.UserScore) result;
    GenericRowData row = new GenericRowData(columns.length);
    for (int i = 0; i < columns.length; i++) {
      row.setField(i, switch (columns[i]) {
        case USER_ID -> StringData.fromString(event.userId());
        case TEAM_ID -> StringData.fromString(event.teamId());
        case TEAM_NAME -> StringData.fromString(event.teamName());
        case SCORE -> event.score();
        case EVENT_TIME_MILLIS -> event.eventTimeMillis();
      });
    }
    return row;
  }

  @Override
  public boolean isEndOfStream(RowData nextElement) {
    return false;
  }

  @Override
  public TypeInformation<RowData> getProducedType() {
    return producedType;
  }
}
