# Builds the server from this repository (used by docker-compose.yml).
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -DskipTests -pl feature-store-api -am package

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/feature-store-api/target/feature-store-server.jar /app/feature-store-server.jar
ENV FEATURE_STORE_DATA_DIR=/var/lib/feature-store
EXPOSE 8080 6566
# Huge pages for the heap: the online index and lookups miss the TLB far less (docs/operations.md).
ENTRYPOINT ["java", "-XX:+UseTransparentHugePages", "-jar", "/app/feature-store-server.jar"]
