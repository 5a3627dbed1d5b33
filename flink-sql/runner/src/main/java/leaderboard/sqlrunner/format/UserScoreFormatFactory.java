package leaderboard.sqlrunner.format;

import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * `'format' = 'leaderboard-user-score'`: reads a `user-score` record once, keeps it only when it is
 * valid (UserScoreParser), and produces any of its five fields as columns of the same names. Skipped
 * records are counted in the source's `invalidRecords` metric and sampled in the log.
 */
public final class UserScoreFormatFactory implements DeserializationFormatFactory {
  public static final String IDENTIFIER = "leaderboard-user-score";

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of();
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of();
  }

  @Override
  public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(DynamicTableFactory.Context context, ReadableConfig formatOptions) {
    FactoryUtil.validateFactoryOptions(this, formatOptions);
    return new DecodingFormat<>() {
      @Override
      public DeserializationSchema<RowData> createRuntimeDecoder(DynamicTableSource.Context sourceContext, DataType physicalDataType) {
        TypeInformation<RowData> producedType = sourceContext.createTypeInformation(physicalDataType);
        return new UserScoreDeserializer(columns(physicalDataType), producedType);
      }

      @Override
      public ChangelogMode getChangelogMode() {
        return ChangelogMode.insertOnly();
      }
    };
  }

  /** The event field of each physical column, refusing a column the format cannot fill. */
  static UserScoreDeserializer.Column[] columns(DataType physicalDataType) {
    List<String> names = DataType.getFieldNames(physicalDataType);
    List<DataType> types = DataType.getFieldDataTypes(physicalDataType);
    UserScoreDeserializer.Column[] columns = new UserScoreDeserializer.Column[names.size()];
    for (int i = 0; i < columns.length; i++) {
      UserScoreDeserializer.Column column = UserScoreDeserializer.Column.named(names.get(i));
      LogicalTypeRoot root = types.get(i).getLogicalType().getTypeRoot();
      if (column == null || !column.accepts(root)) {
        throw new ValidationException(String.format(
            "format '%s' fills only the columns user_id, team_id, team_name (STRING), score (INT) and event_time_millis (BIGINT); got %s %s",
            IDENTIFIER, names.get(i), types.get(i)));
      }
      columns[i] = column;
    }
    return columns;
  }
}
