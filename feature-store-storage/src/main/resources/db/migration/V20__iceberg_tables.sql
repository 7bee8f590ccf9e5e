-- Iceberg tables over our Parquet files: where each table's current metadata file is. A table is a
-- projection of the catalog (docs/architecture.md, "Iceberg tables"): this pointer moves only by a
-- compare-and-swap, so two replicas catching up the same table never lose a snapshot.
CREATE TABLE iceberg_tables (
  namespace text NOT NULL,
  name text NOT NULL,
  metadata_location text NOT NULL,
  PRIMARY KEY (namespace, name)
);

