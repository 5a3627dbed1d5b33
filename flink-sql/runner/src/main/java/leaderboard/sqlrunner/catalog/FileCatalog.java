package leaderboard.sqlrunner.catalog;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import leaderboard.sqlrunner.Placeholders;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogPropertiesUtil;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.GenericInMemoryCatalog;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.TableAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;

/**
 * A catalog whose tables outlive the session that created them: each table of its one database is a
 * properties file in a directory (Flink's own serialization of a catalog table, as the Hive catalog
 * keeps generic tables), read when the catalog opens and written when a table is created, altered or
 * dropped. Table options may hold {@code ${NAME}} placeholders, filled in from the environment when a
 * query reads the table, so a password is never written to the directory.
 *
 * <p>Tables only: views and functions belong in the session (TEMPORARY), partitions and statistics are
 * not kept.
 */
public final class FileCatalog extends GenericInMemoryCatalog {
  public static final String DATABASE = "default_database";
  private static final String SUFFIX = ".table.properties";

  private final Path directory;

  public FileCatalog(String name, Path directory) {
    super(name, DATABASE);
    this.directory = directory;
  }

  @Override
  public void open() {
    super.open();
    try {
      Files.createDirectories(directory);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
        for (Path file : files) {
          String name = URLDecoder.decode(file.getFileName().toString().replace(SUFFIX, ""), StandardCharsets.UTF_8);
          super.createTable(new ObjectPath(DATABASE, name), CatalogPropertiesUtil.deserializeCatalogTable(read(file)), false);
        }
      }
    } catch (IOException e) {
      throw new CatalogException("catalog " + getName() + ": cannot read its tables in " + directory + ": " + e.getMessage(), e);
    } catch (TableAlreadyExistException | DatabaseNotExistException e) {
      throw new CatalogException("catalog " + getName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void createDatabase(String name, CatalogDatabase database, boolean ignoreIfExists) throws DatabaseAlreadyExistException {
    throw new CatalogException("catalog " + getName() + " keeps one database, " + DATABASE);
  }

  @Override
  public void createTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfExists)
      throws TableAlreadyExistException, DatabaseNotExistException {
    boolean existed = tableExists(path);
    Map<String, String> serialized = serialize(path, table);
    super.createTable(path, table, ignoreIfExists);
    if (!existed) write(path, serialized);
  }

  @Override
  public void alterTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfNotExists) throws TableNotExistException {
    Map<String, String> serialized = serialize(path, table);
    boolean existed = tableExists(path);
    super.alterTable(path, table, ignoreIfNotExists);
    if (existed) write(path, serialized);
  }

  @Override
  public void dropTable(ObjectPath path, boolean ignoreIfNotExists) throws TableNotExistException {
    super.dropTable(path, ignoreIfNotExists);
    try {
      Files.deleteIfExists(fileOf(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public CatalogBaseTable getTable(ObjectPath path) throws TableNotExistException {
    CatalogBaseTable table = super.getTable(path);
    if (!(table instanceof CatalogTable)) return table;
    Map<String, String> options = new HashMap<>();
    table.getOptions().forEach((key, value) -> options.put(key, Placeholders.fill(value, System.getenv(), true, false)));
    return ((CatalogTable) table).copy(options);
  }

  private Map<String, String> serialize(ObjectPath path, CatalogBaseTable table) {
    if (!DATABASE.equals(path.getDatabaseName())) {
      throw new CatalogException("catalog " + getName() + " keeps one database, " + DATABASE);
    }
    if (!(table instanceof ResolvedCatalogTable)) {
      throw new CatalogException("catalog " + getName() + " keeps tables only; create a view or a function as TEMPORARY");
    }
    return CatalogPropertiesUtil.serializeCatalogTable((ResolvedCatalogTable) table);
  }

  private Path fileOf(ObjectPath path) {
    return directory.resolve(URLEncoder.encode(path.getObjectName(), StandardCharsets.UTF_8) + SUFFIX);
  }

  /** Written to a temporary file and moved into place, so a reader never sees half a table. */
  private void write(ObjectPath path, Map<String, String> serialized) {
    Properties properties = new Properties();
    properties.putAll(serialized);
    Path target = fileOf(path);
    try {
      Path temporary = Files.createTempFile(directory, ".table", ".tmp");
      try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        properties.store(out, null);
      }
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CatalogException("catalog " + getName() + ": cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach((key) -> map.put(key, properties.getProperty(key)));
    return map;
  }
}
