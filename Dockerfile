# Builds the server from this repository (used by docker-compose.yml).
FROM eclipse-temurin:21-jdk-noble AS build
# Set by BuildKit to the architecture the image is built for (amd64, arm64).
ARG TARGETARCH
WORKDIR /src
COPY . .
# The embedded catalog's Postgres binaries of this image's platform only (about 10 MB each; the
# default build carries four platforms'), named as io.zonky.test.postgres names them.
RUN case "${TARGETARCH:-amd64}" in \
      amd64) platform=linux-amd64 ;; \
      arm64) platform=linux-arm64v8 ;; \
      *) echo "no Postgres binaries for ${TARGETARCH}" >&2; exit 1 ;; \
    esac \
    && ./mvnw -B -DskipTests -Dpostgres.platform="$platform" -pl feature-store-api -am package

FROM eclipse-temurin:21-jre-noble
# A user of its own: nothing in the image needs root, and the embedded Postgres refuses to run as
# root. The data folder is created owned by it, so that a volume mounted there starts out writable.
RUN groupadd --system --gid 10001 feature-store \
    && useradd --system --uid 10001 --gid feature-store --no-create-home --shell /usr/sbin/nologin feature-store \
    && mkdir -p /var/lib/feature-store \
    && chown feature-store:feature-store /var/lib/feature-store
WORKDIR /app
COPY --from=build /src/feature-store-api/target/feature-store-server.jar /app/feature-store-server.jar
ENV FEATURE_STORE_DATA_DIR=/var/lib/feature-store
USER 10001:10001
EXPOSE 8080 6566
# Huge pages for the heap: the online index and lookups miss the TLB far less (docs/operations.md).
ENTRYPOINT ["java", "-XX:+UseTransparentHugePages", "-jar", "/app/feature-store-server.jar"]
