package dev.featurestore.storage.spark;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.join.ConsentPolicy;
import dev.featurestore.core.join.ExternalJoinEngine;
import dev.featurestore.core.join.FeatureGroupRequest;
import dev.featurestore.core.join.JoinOutputSink;
import dev.featurestore.core.join.JoinStatistics;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.join.PointInTimeJoinRequest;
import dev.featurestore.core.join.SpineConsent;
import dev.featurestore.core.join.WinningRows;
import dev.featurestore.core.join.WinningRowsListener;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.read.FeatureGroupVersion;
import dev.featurestore.storage.iceberg.ObjectUris;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.CreateDataFrameViewCommand;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.KeyValue;
import org.apache.spark.connect.proto.LocalRelation;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Project;
import org.apache.spark.connect.proto.Read;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.sparkproject.com.google.protobuf.ByteString;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.StatusRuntimeException;
import org.sparkproject.io.grpc.netty.NettyChannelBuilder;

/**
 * Runs the point-in-time join as a Spark job through Spark Connect, speaking its gRPC protocol with
 * the request classes of Spark's JVM client (no Scala in our process). Each join is one Spark
 * session: the spine's row numbers, keys and times go up as a local relation (Arrow IPC), each
 * group is a Parquet read of exactly its version's files by the URIs the Iceberg tables name them
 * by ({@link ObjectUris}), and {@link SparkJoinSql} joins them. The winners come back as Arrow
 * batches in spine order; the output rows are the spine's own columns (never sent through Spark, so
 * their types stay as given) beside the winners' features, written to the sink as our engine writes
 * them. Lineage hears of the winners after the output is written. A join with a purpose sends up
 * each entity's consent events of the bound version too, and Spark decides which spine rows have
 * consent by the same rule ({@link SparkJoinSql}).
 */
public final class SparkConnectJoin implements ExternalJoinEngine, AutoCloseable {
  private static final int DEFAULT_PORT = 15002;
  // Spark Connect's own default limit on a message; a spine's local relation must fit in one.
  private static final int MAX_MESSAGE_BYTES = 128 * 1024 * 1024;
  private static final String USER = "feature-store";

  private final ManagedChannel channel;
  private final SparkConnectServiceGrpc.SparkConnectServiceBlockingStub spark;
  private final ObjectUris objectUris;
  private final BufferAllocator allocator;
  private final String connectUrl;

  private SparkConnectJoin(
      String connectUrl, ManagedChannel channel, ObjectUris objectUris, BufferAllocator allocator) {
    this.connectUrl = connectUrl;
    this.channel = channel;
    this.spark = SparkConnectServiceGrpc.newBlockingStub(channel);
    this.objectUris = requireNonNull(objectUris, "objectUris is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
  }

  /**
   * A client of the Spark Connect server at {@code connectUrl} ({@code sc://host[:port]}, port
   * 15002 by default; plain text, as Spark Connect serves without a proxy in front). Connects
   * lazily, on the first join.
   *
   * @throws IllegalArgumentException when the URL is not of that form
   */
  public static SparkConnectJoin connect(
      String connectUrl, ObjectUris objectUris, BufferAllocator allocator) {
    URI uri = URI.create(connectUrl);
    if (!"sc".equals(uri.getScheme())
        || uri.getHost() == null
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
        || uri.getQuery() != null) {
      throw new IllegalArgumentException(
          "a Spark Connect URL is sc://host or sc://host:port, not " + connectUrl);
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(uri.getHost(), port)
            .usePlaintext()
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .build();
    return new SparkConnectJoin(connectUrl, channel, objectUris, allocator);
  }

  @Override
  public JoinStatistics join(
      PointInTimeJoinRequest request,
      List<FeatureGroupVersion> versions,
      List<FeatureGroupVersion> consentVersions,
      JoinOutputSink sink,
      WinningRowsListener listener)
      throws IOException {
    Schema outputSchema = PointInTimeJoinEngine.outputSchema(request);
    String session = UUID.randomUUID().toString();
    try {
      setUtcTimeZone(session);
      createSpineView(session, request);
      List<List<DataFile>> files = new ArrayList<>();
      for (int g = 0; g < request.groups().size(); g++) {
        FeatureGroupVersion version = versions.get(g);
        files.add(version.files());
        createFileView(
            session, SparkJoinSql.groupView(g), request.groups().get(g), version.files());
      }
      Optional<SparkJoinSql.Consent> consent = Optional.empty();
      if (request.consent().isPresent()) {
        consent =
            Optional.of(createConsentViews(session, request.consent().get(), consentVersions));
      }
      Winners[] winners = new Winners[request.groups().size()];
      Arrays.setAll(winners, g -> new Winners(request.spine().getRowCount()));
      sink.begin(outputSchema);
      OutputAssembly output = new OutputAssembly(request, outputSchema, winners, sink, allocator);
      execute(
          session,
          Relation.newBuilder()
              .setSql(
                  SQL.newBuilder().setQuery(SparkJoinSql.join(request.groups(), files, consent)))
              .build(),
          output::accept);
      output.requireComplete();
      for (int g = 0; g < winners.length; g++) {
        listener.onWinners(g, request.groups().get(g), winners[g]);
      }
      return new JoinStatistics(0, output.rowsWithoutConsent());
    } catch (StatusRuntimeException e) {
      throw new IOException("the Spark join at " + connectUrl + " failed: " + e.getMessage(), e);
    } finally {
      // Also ends what Spark still runs for an answer left unread (a cancelled or failed write).
      releaseSession(session);
    }
  }

  /** A view of each entity's consent events of the bound version, in the requirement's order. */
  private SparkJoinSql.Consent createConsentViews(
      String session, SpineConsent consent, List<FeatureGroupVersion> consentVersions)
      throws IOException {
    List<FeatureGroupRequest> groups = new ArrayList<>();
    List<List<DataFile>> files = new ArrayList<>();
    for (int k = 0; k < consent.records().size(); k++) {
      FeatureGroupRequest group = SparkJoinSql.Consent.request(consent.records().get(k));
      List<DataFile> version = consentVersions.get(k).files();
      createFileView(session, SparkJoinSql.consentView(k), group, version);
      groups.add(group);
      files.add(version);
    }
    return new SparkJoinSql.Consent(consent.purpose(), groups, files);
  }

  private void setUtcTimeZone(String session) {
    var unused =
        spark.config(
            ConfigRequest.newBuilder()
                .setSessionId(session)
                .setUserContext(user())
                .setOperation(
                    ConfigRequest.Operation.newBuilder()
                        .setSet(
                            ConfigRequest.Set.newBuilder()
                                .addPairs(
                                    KeyValue.newBuilder()
                                        .setKey("spark.sql.session.timeZone")
                                        .setValue("UTC"))))
                .build());
  }

  /** The spine's row numbers, key columns and times; its other columns stay here. */
  private void createSpineView(String session, PointInTimeJoinRequest request) throws IOException {
    VectorSchemaRoot spine = request.spine();
    int rows = spine.getRowCount();
    Set<Entity> entities = new LinkedHashSet<>();
    request.groups().forEach(group -> entities.add(group.group().entity()));
    ByteArrayOutputStream arrow = new ByteArrayOutputStream();
    try (BigIntVector rowNumbers = new BigIntVector(SparkJoinSql.SPINE_ROW, allocator)) {
      rowNumbers.allocateNew(rows);
      for (int row = 0; row < rows; row++) {
        rowNumbers.set(row, row);
      }
      rowNumbers.setValueCount(rows);
      List<FieldVector> columns = new ArrayList<>();
      columns.add(rowNumbers);
      entities.forEach(entity -> columns.add(spine.getVector(entity.name())));
      columns.add(spine.getVector(request.spineTimeColumn()));
      // A view over vectors the caller owns: not closed here.
      VectorSchemaRoot sent = new VectorSchemaRoot(columns);
      sent.setRowCount(rows);
      try (ArrowStreamWriter writer = new ArrowStreamWriter(sent, null, arrow)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
    }
    Relation spineRows =
        Relation.newBuilder()
            .setLocalRelation(
                LocalRelation.newBuilder().setData(ByteString.copyFrom(arrow.toByteArray())))
            .build();
    createView(session, SparkJoinSql.SPINE_VIEW, spineRows);
  }

  /** A view {@code name} of the group's rows in {@code files}, each with its file's name. */
  private void createFileView(
      String session, String name, FeatureGroupRequest request, List<DataFile> files)
      throws IOException {
    if (files.isEmpty()) {
      execute(
          session,
          Relation.newBuilder()
              .setSql(SQL.newBuilder().setQuery(SparkJoinSql.emptyGroupView(name, request)))
              .build(),
          batch -> {});
      return;
    }
    Read.DataSource.Builder parquet =
        Read.DataSource.newBuilder()
            .setFormat("parquet")
            .setSchema(SparkJoinSql.groupFileSchema(request));
    files.forEach(file -> parquet.addPaths(objectUris.uri(file.objectKey())));
    // The file-name metadata column does not reach through a view: it is made a column first.
    Expression fileName =
        Expression.newBuilder()
            .setAlias(
                Expression.Alias.newBuilder()
                    .setExpr(
                        Expression.newBuilder()
                            .setUnresolvedAttribute(
                                Expression.UnresolvedAttribute.newBuilder()
                                    .setUnparsedIdentifier("_metadata.file_name")))
                    .addName(SparkJoinSql.FILE_NAME))
            .build();
    Relation rows =
        Relation.newBuilder()
            .setProject(
                Project.newBuilder()
                    .setInput(
                        Relation.newBuilder().setRead(Read.newBuilder().setDataSource(parquet)))
                    .addExpressions(
                        Expression.newBuilder()
                            .setUnresolvedStar(Expression.UnresolvedStar.newBuilder()))
                    .addExpressions(fileName))
            .build();
    createView(session, name, rows);
  }

  private void createView(String session, String name, Relation input) throws IOException {
    Command command =
        Command.newBuilder()
            .setCreateDataframeView(
                CreateDataFrameViewCommand.newBuilder()
                    .setInput(input)
                    .setName(name)
                    .setIsGlobal(false)
                    .setReplace(true))
            .build();
    drain(
        spark.executePlan(executeRequest(session, Plan.newBuilder().setCommand(command))),
        batch -> {});
  }

  /** What to do with each Arrow batch of an answer; the batch is valid during the call only. */
  @FunctionalInterface
  private interface BatchConsumer {
    void accept(VectorSchemaRoot batch) throws IOException;
  }

  private void execute(String session, Relation root, BatchConsumer batches) throws IOException {
    drain(spark.executePlan(executeRequest(session, Plan.newBuilder().setRoot(root))), batches);
  }

  private ExecutePlanRequest executeRequest(String session, Plan.Builder plan) {
    return ExecutePlanRequest.newBuilder()
        .setSessionId(session)
        .setUserContext(user())
        .setPlan(plan)
        .build();
  }

  private void drain(Iterator<ExecutePlanResponse> responses, BatchConsumer batches)
      throws IOException {
    while (responses.hasNext()) {
      ExecutePlanResponse response = responses.next();
      if (!response.hasArrowBatch()) {
        continue;
      }
      try (ArrowStreamReader reader =
          new ArrowStreamReader(
              new ByteArrayInputStream(response.getArrowBatch().getData().toByteArray()),
              allocator)) {
        while (reader.loadNextBatch()) {
          batches.accept(reader.getVectorSchemaRoot());
        }
      }
    }
  }

  private void releaseSession(String session) {
    try {
      var unused =
          spark.releaseSession(
              ReleaseSessionRequest.newBuilder()
                  .setSessionId(session)
                  .setUserContext(user())
                  .build());
    } catch (StatusRuntimeException e) {
      // Spark expires idle sessions by itself; a failed release must not hide the join's outcome.
    }
  }

  private static UserContext user() {
    return UserContext.newBuilder().setUserId(USER).build();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown();
    if (!channel.awaitTermination(10, TimeUnit.SECONDS)) {
      channel.shutdownNow();
    }
  }

  /** Each group's winner per spine row, as Spark answered them. */
  private static final class Winners implements WinningRows {
    private final long[] sequences;
    private final long[] ordinals;
    private final long[] eventTimes;

    Winners(int spineRows) {
      sequences = new long[spineRows];
      ordinals = new long[spineRows];
      eventTimes = new long[spineRows];
      Arrays.fill(sequences, -1);
      Arrays.fill(ordinals, -1);
    }

    void set(
        int spineRow,
        BigIntVector sequence,
        BigIntVector ordinal,
        TimeStampMicroTZVector time,
        int row) {
      if (sequence.isNull(row)) {
        return;
      }
      sequences[spineRow] = sequence.get(row);
      ordinals[spineRow] = ordinal.get(row);
      eventTimes[spineRow] = time.get(row);
    }

    @Override
    public int spineRowCount() {
      return sequences.length;
    }

    @Override
    public boolean hasWinner(int spineRow) {
      return sequences[spineRow] >= 0;
    }

    @Override
    public long commitSequence(int spineRow) {
      return sequences[spineRow];
    }

    @Override
    public long rowOrdinal(int spineRow) {
      return ordinals[spineRow];
    }

    @Override
    public long eventTimeMicros(int spineRow) {
      return eventTimes[spineRow];
    }
  }

  /**
   * Turns Spark's answer, in spine order, into output batches: the spine's columns of those rows
   * and the winners' features, copied into vectors of our output types. With a purpose, a row
   * without consent is left out or kept (with no winner, so null features) as the policy says.
   */
  private static final class OutputAssembly {
    private final PointInTimeJoinRequest request;
    private final Schema outputSchema;
    private final Winners[] winners;
    private final JoinOutputSink sink;
    private final BufferAllocator allocator;
    private int nextSpineRow;
    private long rowsWithoutConsent;

    OutputAssembly(
        PointInTimeJoinRequest request,
        Schema outputSchema,
        Winners[] winners,
        JoinOutputSink sink,
        BufferAllocator allocator) {
      this.request = request;
      this.outputSchema = outputSchema;
      this.winners = winners;
      this.sink = sink;
      this.allocator = allocator;
    }

    void accept(VectorSchemaRoot answer) throws IOException {
      int rows = answer.getRowCount();
      BigIntVector spineRows = (BigIntVector) answer.getVector(SparkJoinSql.SPINE_ROW);
      BitVector consent = (BitVector) answer.getVector(SparkJoinSql.CONSENT);
      boolean excludes =
          request.consent().map(c -> c.policy() == ConsentPolicy.EXCLUDE).orElse(false);
      VectorSchemaRoot spine = request.spine();
      int spineColumns = spine.getFieldVectors().size();
      // The answer's rows that become output rows: all but those without consent, if excluded.
      int[] kept = new int[rows];
      int keptCount = 0;
      try (VectorSchemaRoot batch = VectorSchemaRoot.create(outputSchema, allocator)) {
        batch.allocateNew();
        for (int row = 0; row < rows; row++) {
          int spineRow = (int) spineRows.get(row);
          if (spineRow != nextSpineRow) {
            throw new IOException(
                "Spark answered spine row " + spineRow + " where " + nextSpineRow + " was next");
          }
          nextSpineRow++;
          boolean consented = consent == null || consent.get(row) == 1;
          if (!consented) {
            rowsWithoutConsent++;
          }
          if (consented || !excludes) {
            for (int column = 0; column < spineColumns; column++) {
              batch.getVector(column).copyFromSafe(spineRow, keptCount, spine.getVector(column));
            }
            kept[keptCount++] = row;
          }
        }
        int column = spineColumns;
        for (int g = 0; g < request.groups().size(); g++) {
          for (int f = 0; f < request.groups().get(g).features().size(); f++) {
            SparkValues.copy(
                answer.getVector(SparkJoinSql.featureColumn(g, f)),
                batch.getVector(column++),
                kept,
                keptCount);
          }
          BigIntVector sequences = (BigIntVector) answer.getVector(SparkJoinSql.sequenceColumn(g));
          BigIntVector ordinals = (BigIntVector) answer.getVector(SparkJoinSql.ordinalColumn(g));
          TimeStampMicroTZVector times =
              (TimeStampMicroTZVector) answer.getVector(SparkJoinSql.eventTimeColumn(g));
          for (int row = 0; row < rows; row++) {
            winners[g].set((int) spineRows.get(row), sequences, ordinals, times, row);
          }
        }
        batch.setRowCount(keptCount);
        if (keptCount > 0) {
          sink.accept(batch);
        }
      }
    }

    /** The spine rows Spark found without consent for the join's purpose. */
    long rowsWithoutConsent() {
      return rowsWithoutConsent;
    }

    void requireComplete() throws IOException {
      if (nextSpineRow != request.spine().getRowCount()) {
        throw new IOException(
            "Spark answered "
                + nextSpineRow
                + " of "
                + request.spine().getRowCount()
                + " spine rows");
      }
    }
  }
}
