package leaderboard.sqlrunner.format;

import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.registry.confluent.AvroConfluentFormatOptions;
import org.apache.flink.formats.avro.registry.confluent.RegistryAvroFormatFactory;
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
 *
 * With `'leaderboard-user-score.encoding' = 'avro-confluent'` the records are Avro in Confluent's
 * wire format, decoded by Flink's avro-confluent format with the registry of
 * `'leaderboard-user-score.avro-confluent.url'` (AvroUserScoreDeserializer), under the same rule.
 */
public final class UserScoreFormatFactory implements DeserializationFormatFactory {
  public static final String IDENTIFIER = "leaderboard-user-score";

  static final ConfigOption<String> ENCODING = ConfigOptions.key("encoding")
      .stringType()
      .defaultValue("json")
      .withDescription("json: one JSON object per record; avro-confluent: Avro in Confluent's wire format");
  static final ConfigOption<String> REGISTRY_URL = ConfigOptions.key("avro-confluent.url")
      .stringType()
      .noDefaultValue()
      .withDescription("the Confluent-compatible schema registry, with encoding avro-confluent");

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
    return Set.of(ENCODING, REGISTRY_URL);
  }

  @Override
  public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(DynamicTableFactory.Context context, ReadableConfig formatOptions) {
    FactoryUtil.validateFactoryOptions(this, formatOptions);
    String encoding = formatOptions.get(ENCODING);
    DecodingFormat<DeserializationSchema<RowData>> avro = switch (encoding) {
      case "json" -> {
        if (formatOptions.getOptional(REGISTRY_URL).isPresent()) {
          throw new ValidationException(String.format("format '%s': avro-confluent.url needs encoding 'avro-confluent'", IDENTIFIER));
        }
        yield null;
      }
      case "avro-confluent" -> {
        String url = formatOptions.getOptional(REGISTRY_URL).orElseThrow(() -> new ValidationException(
            String.format("format '%s': encoding 'avro-confluent' needs '%s.avro-confluent.url' (the schema registry)", IDENTIFIER, IDENTIFIER)));
        Configuration options = new Configuration();
        options.set(AvroConfluentFormatOptions.URL, url);
        yield new RegistryAvroFormatFactory().createDecodingFormat(context, options);
      }
      default -> throw new ValidationException(String.format("format '%s': encoding '%s' is not json or avro-confluent", IDENTIFIER, encoding));
    };
    return new DecodingFormat<>() {
      @Override
      public DeserializationSchema<RowData> createRuntimeDecoder(DynamicTableSource.Context sourceContext, DataType physicalDataType) {
        UserScoreDeserializer.Column[] columns = columns(physicalDataType);
        if (avro != null) return new AvroUserScoreDeserializer(avro.createRuntimeDecoder(sourceContext, physicalDataType), columns);
        return new UserScoreDeserializer(columns, sourceContext.createTypeInformation(physicalDataType));
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
