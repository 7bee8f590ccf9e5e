package dev.featurestore.storage.iceberg;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.erasure.PublishedTables;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetListQuery;
import dev.featurestore.core.training.TrainingSetStatus;
import dev.featurestore.core.training.TrainingSetSummary;
import dev.featurestore.storage.parquet.ObjectStoreInputFile;
import dev.featurestore.storage.parquet.ParquetFeatureFileFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.TypeUtil;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;

/**
 * Every feature group and every ready training set as an Apache Iceberg table over the very Parquet
 * objects our commits wrote (no copy), so that Spark, Trino or PyIceberg read them through the
 * Iceberg REST catalog.
 *
 * <p>A table is a projection of our catalog, caught up whenever it is asked for: each commit of the
 * group becomes one snapshot (an append; a compaction a replace; an erasure an overwrite), whose
 * summary names the commit's sequence ({@link #COMMIT_SEQUENCE}), so that snapshot {@code s} reads
 * the rows our reader returns as of commit {@code s}. Files rewritten in place by an erasure, and
 * files the retention of replaced files expired, are no longer objects of the catalog: every
 * snapshot whose metadata still names one is expired, and its manifests deleted (their column
 * bounds may hold an erased key). Our files carry no Iceberg field ids; each table has a name
 * mapping ({@code schema.name-mapping.default}) from the column names to its stable field ids.
 *
 * <p>The current metadata file of each table is named by a row of {@code iceberg_tables}, moved by
 * compare-and-swap: two replicas catching up the same table cannot both win, and the loser starts
 * over from the winner's state.
 */
public final class IcebergTables implements PublishedTables {
  public static final String FEATURE_GROUPS = "feature_groups";
  public static final String TRAINING_SETS = "training_sets";

  /** The snapshot-summary property naming the commit sequence a snapshot reads. */
  public static final String COMMIT_SEQUENCE = "feature-store.commit-sequence";

  /** Which objects the table's snapshots may name, as of its last catch-up. */
  private static final String LIVE_OBJECTS_DIGEST = "feature-store.live-objects-sha256";

  private static final int CATCH_UP_ATTEMPTS = 3;

  private final Catalog catalog;
  private final TrainingSetCatalog trainingSets;
  private final ObjectStore store;
  private final ObjectUris uris;
  private final FileIO io;
  private final JdbcTablePointers pointers;
  private final ConcurrentMap<String, Object> tableLocks = new ConcurrentHashMap<>();

  public IcebergTables(
      DataSource dataSource,
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      ObjectStore store,
      ObjectUris uris) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.store = requireNonNull(store, "store is null");
    this.uris = requireNonNull(uris, "uris is null");
    this.io = new ObjectStoreFileIO(store, uris);
    this.pointers = new JdbcTablePointers(dataSource);
  }

  /**
   * A table caught up with the catalog, and how many of the snapshots it had before that the
   * catch-up expired (those it made and expired at once are not counted: no reader saw them).
   */
  public record CaughtUp(Table table, int snapshotsExpired) {}

  private static final int TABLES_PER_CATALOG_PAGE = 1_000;

  /** The tables of the {@link #FEATURE_GROUPS} namespace: every group's name. */
  public List<String> featureGroupTables() {
    return catalog.featureGroups().stream().map(FeatureGroup::name).toList();
  }

  /**
   * The tables of the {@link #TRAINING_SETS} namespace: the id of every ready training set of
   * {@code owner} (every owner's when empty), newest first, read from the catalog a page at a time.
   */
  public List<String> trainingSetTables(Optional<UUID> owner) {
    List<String> ids = new ArrayList<>();
    Optional<TrainingSetListQuery.Position> after = Optional.empty();
    List<TrainingSetSummary> page;
    do {
      page =
          trainingSets.list(
              new TrainingSetListQuery(
                  Optional.empty(),
                  Optional.of(TrainingSetStatus.READY),
                  owner,
                  after,
                  TABLES_PER_CATALOG_PAGE));
      page.forEach(trainingSet -> ids.add(trainingSet.id().toString()));
      after = page.isEmpty() ? after : Optional.of(page.getLast().position());
    } while (page.size() == TABLES_PER_CATALOG_PAGE);
    return ids;
  }

  /** The group's table, caught up with its latest commit; not found when the group is unknown. */
  public CaughtUp featureGroup(String name) {
    FeatureGroup group =
        catalog
            .featureGroup(name)
            .orElseThrow(() -> new NotFoundException("feature group " + name + " not found"));
    return catchUp(FEATURE_GROUPS, name, new GroupSource(group));
  }

  /**
   * The training set's output as a table; not found unless {@code id} names a ready training set
   * the caller may see.
   */
  public CaughtUp trainingSet(String id, Predicate<? super TrainingSet> visible) {
    TrainingSet trainingSet =
        parseUuid(id)
            .flatMap(trainingSets::find)
            .filter(IcebergTables::hasOutput)
            .filter(visible)
            .orElseThrow(() -> new NotFoundException("training set " + id + " not found"));
    return catchUp(TRAINING_SETS, id, new OutputSource(trainingSet));
  }

  @Override
  public Optional<ExpiredSnapshots> expireSnapshotsOfGroup(String featureGroup) {
    Optional<FeatureGroup> group = catalog.featureGroup(featureGroup);
    // A table no engine ever loaded has no snapshot to expire: none is made for an erasure.
    if (group.isEmpty() || pointers.find(FEATURE_GROUPS, featureGroup).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(expired(FEATURE_GROUPS, featureGroup, new GroupSource(group.get())));
  }

  @Override
  public Optional<ExpiredSnapshots> expireSnapshotsOfTrainingSet(UUID id) {
    String name = id.toString();
    Optional<TrainingSet> trainingSet = trainingSets.find(id).filter(IcebergTables::hasOutput);
    if (trainingSet.isEmpty() || pointers.find(TRAINING_SETS, name).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(expired(TRAINING_SETS, name, new OutputSource(trainingSet.get())));
  }

  private ExpiredSnapshots expired(String namespace, String name, TableSource source) {
    return new ExpiredSnapshots(
        namespace + "." + name, catchUp(namespace, name, source).snapshotsExpired());
  }

  private static boolean hasOutput(TrainingSet trainingSet) {
    return trainingSet.status() == TrainingSetStatus.READY
        && trainingSet.outputObjectKey().isPresent();
  }

  private static Optional<UUID> parseUuid(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private CaughtUp catchUp(String namespace, String name, TableSource source) {
    synchronized (tableLocks.computeIfAbsent(namespace + "." + name, key -> new Object())) {
      for (int attempt = 1; ; attempt++) {
        try {
          return catchUpOnce(namespace, name, source);
        } catch (CommitFailedException e) {
          // Another replica moved the pointer first: start over from its state.
          if (attempt == CATCH_UP_ATTEMPTS) {
            throw e;
          }
        }
      }
    }
  }

  private CaughtUp catchUpOnce(String namespace, String name, TableSource source) {
    PointerTableOperations operations = new PointerTableOperations(pointers, io, namespace, name);
    if (operations.current() == null) {
      create(operations, namespace, name, source.schema());
    }
    Table table = new BaseTable(operations, namespace + "." + name);
    Set<Long> readable = new HashSet<>();
    table.snapshots().forEach(snapshot -> readable.add(snapshot.snapshotId()));
    long synced = syncedSequence(table.currentSnapshot());
    // Commits before files: a file becomes visible only with its commit, so every file of the
    // commits read here is among the files read next.
    List<Version> versions = source.versionsAfter(synced);
    Set<String> live = source.liveObjectKeys().stream().map(uris::uri).collect(Collectors.toSet());
    String liveDigest = digest(live);
    Schema wanted = icebergSchema(source.schema());
    boolean evolves =
        !TypeUtil.indexByName(table.schema().asStruct())
            .keySet()
            .containsAll(TypeUtil.indexByName(wanted.asStruct()).keySet());
    if (versions.isEmpty()
        && !evolves
        && liveDigest.equals(table.properties().get(LIVE_OBJECTS_DIGEST))) {
      return new CaughtUp(table, 0);
    }
    Transaction transaction = table.newTransaction();
    if (evolves) {
      transaction.updateSchema().unionByNameWith(wanted).commit();
      transaction
          .updateProperties()
          .set(
              TableProperties.DEFAULT_NAME_MAPPING,
              NameMappingParser.toJson(MappingUtil.create(transaction.table().schema())))
          .commit();
    }
    NameMapping mapping = MappingUtil.create(transaction.table().schema());
    Map<String, org.apache.iceberg.DataFile> current = currentFiles(table);
    long latest = synced;
    for (Version version : versions) {
      apply(transaction, current, source.filesAt(version.sequence()), version, mapping);
      latest = version.sequence();
    }
    if (latest > 0) {
      // Files an erasure rewrote in place since: the latest version reads the rewrites.
      Version rewritten = new Version(latest, Map.of(COMMIT_SEQUENCE, Long.toString(latest)), null);
      apply(transaction, current, source.filesAt(latest), rewritten, mapping);
    }
    transaction.updateProperties().set(LIVE_OBJECTS_DIGEST, liveDigest).commit();
    transaction.commitTransaction();
    return new CaughtUp(table, expireSnapshotsNamingDeadObjects(table, live, readable));
  }

  private void create(
      PointerTableOperations operations, String namespace, String name, MessageType fileSchema) {
    // The ids newTableMetadata assigns, assigned here first so that the name mapping has them.
    Schema schema =
        TypeUtil.assignFreshIds(icebergSchema(fileSchema), new AtomicInteger()::incrementAndGet);
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(TableProperties.FORMAT_VERSION, "2");
    properties.put(
        TableProperties.DEFAULT_NAME_MAPPING, NameMappingParser.toJson(MappingUtil.create(schema)));
    // A lost race is retried from a fresh catch-up, never by re-applying the same appends.
    properties.put(TableProperties.COMMIT_NUM_RETRIES, "0");
    // Old metadata files list snapshots an erasure expired: keep none of them.
    properties.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    properties.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "1");
    // Snapshots are our versions: they expire with our files, never by age.
    properties.put(TableProperties.MAX_SNAPSHOT_AGE_MS, Long.toString(Long.MAX_VALUE));
    operations.commit(
        null,
        TableMetadata.newTableMetadata(
            schema,
            PartitionSpec.unpartitioned(),
            SortOrder.unsorted(),
            uris.uri("iceberg/" + namespace + "/" + name),
            properties));
  }

  private static Schema icebergSchema(MessageType fileSchema) {
    return ParquetSchemaUtil.convert(fileSchema);
  }

  private static long syncedSequence(Snapshot snapshot) {
    return snapshot == null
        ? 0
        : Long.parseLong(snapshot.summary().getOrDefault(COMMIT_SEQUENCE, "0"));
  }

  private static Map<String, org.apache.iceberg.DataFile> currentFiles(Table table) {
    Map<String, org.apache.iceberg.DataFile> files = new HashMap<>();
    if (table.currentSnapshot() == null) {
      return files;
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        files.put(task.file().location(), task.file());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /**
   * One snapshot taking the table from {@code current} to {@code objectKeys}: an append when it
   * only adds files, a replace for a compaction, an overwrite otherwise; nothing when they agree
   * and the version is not a commit of its own.
   */
  private void apply(
      Transaction transaction,
      Map<String, org.apache.iceberg.DataFile> current,
      List<String> objectKeys,
      Version version,
      NameMapping mapping) {
    Set<String> wanted = objectKeys.stream().map(uris::uri).collect(Collectors.toSet());
    List<org.apache.iceberg.DataFile> removed =
        current.values().stream().filter(file -> !wanted.contains(file.location())).toList();
    List<org.apache.iceberg.DataFile> added = new ArrayList<>();
    for (String uri : new TreeSet<>(wanted)) {
      if (!current.containsKey(uri)) {
        added.add(dataFile(transaction.table(), uri, mapping));
      }
    }
    if (version.kind() == null && removed.isEmpty() && added.isEmpty()) {
      return;
    }
    SnapshotUpdate<?> update;
    if (removed.isEmpty()) {
      AppendFiles append = transaction.newFastAppend();
      added.forEach(append::appendFile);
      update = append;
    } else if (version.kind() == CommitKind.COMPACTION) {
      RewriteFiles rewrite = transaction.newRewrite();
      removed.forEach(rewrite::deleteFile);
      added.forEach(rewrite::addFile);
      update = rewrite;
    } else {
      OverwriteFiles overwrite = transaction.newOverwrite();
      removed.forEach(overwrite::deleteFile);
      added.forEach(overwrite::addFile);
      update = overwrite;
    }
    version.summary().forEach(update::set);
    update.commit();
    removed.forEach(file -> current.remove(file.location()));
    added.forEach(file -> current.put(file.location(), file));
  }

  /** An Iceberg data file for one of our objects, with the metrics of its Parquet footer. */
  private org.apache.iceberg.DataFile dataFile(Table table, String uri, NameMapping mapping) {
    InputFile input = io.newInputFile(uri);
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(uri)
        .withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(input.getLength())
        .withMetrics(ParquetUtil.fileMetrics(input, MetricsConfig.forTable(table), mapping))
        .build();
  }

  /**
   * Expires every snapshot whose manifests name an object the catalog no longer has (an erasure
   * rewrote it, or the retention of replaced files expired it), entries of removed files included,
   * since their column bounds may be an erased key. When the current snapshot is one of them (its
   * manifests list the files an erasure just replaced as deleted), its manifests are rewritten
   * first, without those entries. Returns how many of the {@code readable} snapshots it expired.
   */
  private int expireSnapshotsNamingDeadObjects(Table table, Set<String> live, Set<Long> readable) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return 0;
    }
    Map<String, Boolean> manifestNamesDeadObject = new HashMap<>();
    List<Long> expiring = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      boolean namesDeadObject = false;
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        namesDeadObject |=
            manifestNamesDeadObject.computeIfAbsent(
                manifest.path(), path -> namesDeadObject(manifest, live));
      }
      if (namesDeadObject) {
        expiring.add(snapshot.snapshotId());
      }
    }
    if (expiring.isEmpty()) {
      return 0;
    }
    if (expiring.contains(current.snapshotId())) {
      table
          .rewriteManifests()
          .clusterBy(file -> "all")
          .rewriteIf(manifest -> true)
          .set(COMMIT_SEQUENCE, current.summary().get(COMMIT_SEQUENCE))
          .commit();
    }
    String metadataFolder = table.location() + "/metadata/";
    var expire = table.expireSnapshots().cleanExpiredFiles(true);
    expiring.forEach(expire::expireSnapshotId);
    // Our Parquet objects belong to the catalog: only Iceberg's own metadata files go.
    expire
        .deleteWith(
            path -> {
              if (path.startsWith(metadataFolder)) {
                io.deleteFile(path);
              }
            })
        .commit();
    return (int) expiring.stream().filter(readable::contains).count();
  }

  /** Whether any entry of the manifest (added, existing or deleted) names a dead object. */
  private boolean namesDeadObject(ManifestFile manifest, Set<String> live) {
    return !live.containsAll(filesNamedBy(io.newInputFile(manifest.path(), manifest.length())));
  }

  /**
   * The data files every entry of a manifest names, deleted ones included (Iceberg's readers skip
   * those, so the manifest is read as the Avro file it is).
   */
  static List<String> filesNamedBy(InputFile manifest) {
    try (DataFileStream<GenericRecord> entries =
        new DataFileStream<>(manifest.newStream(), new GenericDatumReader<>())) {
      List<String> files = new ArrayList<>();
      for (GenericRecord entry : entries) {
        files.add(((GenericRecord) entry.get("data_file")).get("file_path").toString());
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read manifest " + manifest.location(), e);
    }
  }

  private static String digest(Set<String> uris) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (String uri : new TreeSet<>(uris)) {
        sha256.update(uri.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * A version of a table's source: a commit (its kind) or, with no kind, the rewrites in place made
   * since the latest commit.
   */
  private record Version(long sequence, Map<String, String> summary, CommitKind kind) {}

  /** What a table projects: its schema, its versions and the objects each reads. */
  private interface TableSource {
    MessageType schema();

    List<Version> versionsAfter(long sequence);

    List<String> filesAt(long sequence);

    Set<String> liveObjectKeys();
  }

  /** A feature group: a version per commit, from the oldest one still readable. */
  private final class GroupSource implements TableSource {
    private final FeatureGroup group;
    private List<DataFile> retained;

    GroupSource(FeatureGroup group) {
      this.group = group;
    }

    @Override
    public MessageType schema() {
      return ParquetFeatureFileFormat.parquetSchema(group);
    }

    @Override
    public List<Version> versionsAfter(long sequence) {
      long oldestReadable = catalog.oldestReadableSequence(group.name());
      List<Commit> commits =
          catalog.commitsAfter(group.name(), Math.max(sequence, oldestReadable - 1));
      retained = catalog.retainedDataFiles(group.name());
      return commits.stream()
          .map(
              commit ->
                  new Version(
                      commit.sequence(),
                      Map.of(
                          COMMIT_SEQUENCE,
                          Long.toString(commit.sequence()),
                          "feature-store.commit-id",
                          commit.id().toString(),
                          "feature-store.commit-kind",
                          commit.kind().name(),
                          "feature-store.write-time",
                          commit.writeTime().toString()),
                      commit.kind()))
          .toList();
    }

    @Override
    public List<String> filesAt(long sequence) {
      return retained.stream()
          .filter(file -> file.visibleAt(sequence))
          .map(DataFile::objectKey)
          .toList();
    }

    @Override
    public Set<String> liveObjectKeys() {
      return retained.stream().map(DataFile::objectKey).collect(Collectors.toSet());
    }
  }

  /** A training set's output: one version, its one object (rewritten in place by erasures). */
  private final class OutputSource implements TableSource {
    private final TrainingSet trainingSet;
    private final String objectKey;
    private MessageType schema;

    OutputSource(TrainingSet trainingSet) {
      this.trainingSet = trainingSet;
      this.objectKey = trainingSet.outputObjectKey().orElseThrow();
    }

    @Override
    public MessageType schema() {
      if (schema == null) {
        try (ParquetFileReader reader =
            ParquetFileReader.open(ObjectStoreInputFile.open(store, objectKey))) {
          schema = reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException e) {
          throw new UncheckedIOException("could not read the footer of " + objectKey, e);
        }
      }
      return schema;
    }

    @Override
    public List<Version> versionsAfter(long sequence) {
      return sequence >= 1
          ? List.of()
          : List.of(
              new Version(
                  1,
                  Map.of(
                      COMMIT_SEQUENCE,
                      "1",
                      "feature-store.training-set-id",
                      trainingSet.id().toString()),
                  CommitKind.APPEND));
    }

    @Override
    public List<String> filesAt(long sequence) {
      return List.of(objectKey);
    }

    @Override
    public Set<String> liveObjectKeys() {
      return Set.of(objectKey);
    }
  }
}
