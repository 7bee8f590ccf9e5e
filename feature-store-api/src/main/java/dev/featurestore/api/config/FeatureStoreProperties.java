package dev.featurestore.api.config;

import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.storage.iceberg.ObjectUris;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The server's own settings, bound from {@code feature-store.*} properties or {@code
 * FEATURE_STORE_*} environment variables (docs/configuration.md lists them all).
 *
 * @param dataDir where the embedded default keeps Postgres data, local objects and the admin key
 * @param s3 object storage in S3 (or an S3-compatible server); unset means local disk under dataDir
 * @param maxUploadSize the largest request body a commit or upload may have
 * @param allowedFutureSkew how far past the server's clock an event time may be
 * @param orphanGracePeriod how long an uncommitted object may live before the janitor deletes it;
 *     longer than any upload takes, since an upload's files are uncommitted until it finishes
 * @param orphanSweepInterval how often the janitor looks for orphaned objects, and for replaced
 *     files whose retention has passed
 * @param cacheSweepInterval how often cached copies of objects no longer in the catalog (erased)
 *     are deleted from this replica's disk
 * @param retention how long replaced data is kept
 * @param compaction when groups are compacted without being asked
 * @param adminKey the secret of the first admin API key, used only while the catalog has no admin
 *     key; unset means a random one, written to the log and to {@code <dataDir>/admin.key}
 * @param keyDigestSecret the secret of the keyed digests by which the catalog names entity keys
 *     (tombstones, audit entries, erasure records); unset means one made up and kept in {@code
 *     <dataDir>/key-digest.secret}, which only the embedded default accepts
 * @param onlinePort the lean online-lookup listener's port; 0 picks a free port, -1 turns it off
 * @param online the online indexes' limits
 * @param jobs how replicas hold the jobs and training sets they run
 * @param limits what one upload may decode to, and how many heavy requests run at once
 * @param join the point-in-time join's threads and memory
 * @param memory the Arrow memory one request may hold
 * @param spark the Spark Connect server that joins training sets asking for {@code "engine":
 *     "spark"}
 */
@ConfigurationProperties("feature-store")
public record FeatureStoreProperties(
    @DefaultValue("./data") Path dataDir,
    @DefaultValue S3 s3,
    @DefaultValue("1GB") DataSize maxUploadSize,
    @DefaultValue("PT5M") Duration allowedFutureSkew,
    @DefaultValue("PT1H") Duration orphanGracePeriod,
    @DefaultValue("PT10M") Duration orphanSweepInterval,
    @DefaultValue("PT1M") Duration cacheSweepInterval,
    @DefaultValue Retention retention,
    @DefaultValue Compaction compaction,
    Optional<String> adminKey,
    Optional<String> keyDigestSecret,
    @DefaultValue("6566") int onlinePort,
    @DefaultValue Online online,
    @DefaultValue JobLeases jobs,
    @DefaultValue Limits limits,
    @DefaultValue Join join,
    @DefaultValue Memory memory,
    @DefaultValue Spark spark) {

  /**
   * Where engines outside the server (Spark, Trino, ...) find our objects: the same bucket or
   * folder the object store adapter uses.
   */
  public ObjectUris objectUris() {
    return s3.configured()
        ? ObjectUris.s3Bucket(s3.bucket().orElseThrow())
        : ObjectUris.localDisk(dataDir.resolve("objects"));
  }

  /**
   * @param connectUrl the Spark Connect server, {@code sc://host:port}; unset means training sets
   *     asking for {@code "engine": "spark"} are refused with a 400
   */
  public record Spark(Optional<String> connectUrl) {}

  /**
   * @param perRequest the Arrow memory (decoded rows, sorted copies) one commit may hold; beyond it
   *     the commit answers 503 and stores nothing, rather than the server running out of memory
   */
  public record Memory(@DefaultValue("1GB") DataSize perRequest) {}

  /**
   * @param parallelism the threads of the one pool every training-set join of this server shares,
   *     so also the most threads one join uses; 0 means one per available processor
   * @param memoryBudget the memory (heap and Arrow buffers) one join may use before it partitions
   *     and spills to disk; 0 means half the maximum heap
   */
  public record Join(
      @DefaultValue("0") int parallelism, @DefaultValue("0B") DataSize memoryBudget) {
    public JoinOptions options() {
      JoinOptions options =
          new JoinOptions(
              parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors(),
              JoinOptions.DEFAULT.outputBatchRows());
      return memoryBudget.toBytes() > 0
          ? options.withMemoryBudget(memoryBudget.toBytes())
          : options;
    }
  }

  /**
   * @param maxDecodedSize the bytes one commit or spine upload may decode to (Parquet compresses,
   *     so a small file can decode to gigabytes); beyond it the upload answers 413
   * @param maxValueSize the longest string, binary or vector value (or text cell); beyond it 400
   * @param maxRows the most rows one commit or spine upload may hold; beyond it 413
   * @param heavyRequests how many commits, spine uploads and training-set requests run at once;
   *     more answer 503 with Retry-After at once
   */
  public record Limits(
      @DefaultValue("1GB") DataSize maxDecodedSize,
      @DefaultValue("1MB") DataSize maxValueSize,
      @DefaultValue("10000000") long maxRows,
      @DefaultValue("2") int heavyRequests) {

    public UploadLimits uploads() {
      return new UploadLimits(maxDecodedSize.toBytes(), maxValueSize.toBytes(), maxRows);
    }
  }

  /**
   * @param replacedFiles how long files replaced by a compaction (or emptied by an erasure) are
   *     kept, so that versions before the replacement stay readable; afterwards their objects are
   *     deleted and those versions answer 410 to {@code asOf}
   * @param maxAgeInterval how often groups with a {@code maxAge} are checked for rows older than
   *     it, which a retention job then removes
   */
  public record Retention(
      @DefaultValue("P7D") Duration replacedFiles, @DefaultValue("PT1H") Duration maxAgeInterval) {}

  /**
   * @param smallFiles a group whose latest version has this many files under 32 MB is compacted in
   *     the background after a commit through this server; 0 leaves compaction to {@code POST
   *     /feature-groups/{name}/compactions}
   */
  public record Compaction(@DefaultValue("64") int smallFiles) {}

  /**
   * @param memoryBudget the memory all online indexes may hold together; a group beyond it is
   *     refused (its lookups answer 503) rather than risking an OutOfMemoryError
   * @param maxKeys the most keys one online request may ask for
   * @param pollInterval how often the catalog is polled for commits made through other replicas
   * @param keyCacheTtl how long the online listener trusts an API key it verified; a key revoked
   *     meanwhile keeps working there for at most this long (zero: verify every request)
   * @param eventLoops the online listener's event-loop threads; 0 means one per available processor
   *     (lookups never block, so more threads than processors only take turns)
   * @param idleTimeout the online listener closes a connection that waits this long for a request
   * @param readTimeout the online listener cuts off a request whose body pauses this long
   * @param maxConnections the online listener closes connections beyond this many at once
   */
  public record Online(
      @DefaultValue("1GB") DataSize memoryBudget,
      @DefaultValue("1000") int maxKeys,
      @DefaultValue("PT0.5S") Duration pollInterval,
      @DefaultValue("PT5S") Duration keyCacheTtl,
      @DefaultValue("0") int eventLoops,
      @DefaultValue("PT60S") Duration idleTimeout,
      @DefaultValue("PT10S") Duration readTimeout,
      @DefaultValue("4096") int maxConnections) {}

  /**
   * @param lease how long a replica holds a job or training set without renewing its lease; once it
   *     expired (the replica stopped), another replica takes the work over or fails it
   * @param heartbeatInterval how often a replica renews its leases and looks for expired ones; well
   *     under {@code lease}, so that a replica under load does not lose work it is running
   */
  public record JobLeases(
      @DefaultValue("PT30S") Duration lease, @DefaultValue("PT10S") Duration heartbeatInterval) {
    public JobLeases {
      if (heartbeatInterval.isNegative()
          || heartbeatInterval.isZero()
          || heartbeatInterval.compareTo(lease) >= 0) {
        throw new InvalidConfigurationException(
            "feature-store.jobs.heartbeat-interval",
            "feature-store.jobs.heartbeat-interval ("
                + heartbeatInterval
                + ") must be positive and shorter than feature-store.jobs.lease ("
                + lease
                + ")");
      }
    }
  }

  /**
   * @param endpoint the S3 endpoint, for S3-compatible servers (MinIO, S3Proxy); unset for AWS
   * @param bucket the bucket holding every object of this server
   * @param region the signing region
   * @param accessKey the access key id; setting it (or a bucket) selects S3 over local disk
   * @param secretKey the secret access key
   * @param pathStyle path-style addressing, which S3-compatible servers usually need
   * @param multipartThreshold objects at least this large are uploaded in parts
   */
  public record S3(
      Optional<String> endpoint,
      Optional<String> bucket,
      @DefaultValue("us-east-1") String region,
      Optional<String> accessKey,
      Optional<String> secretKey,
      @DefaultValue("true") boolean pathStyle,
      @DefaultValue("16MB") DataSize multipartThreshold) {
    public boolean configured() {
      return bucket.isPresent() || accessKey.isPresent() || endpoint.isPresent();
    }
  }
}
