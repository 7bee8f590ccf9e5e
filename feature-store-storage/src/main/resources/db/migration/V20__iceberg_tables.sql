-- Iceberg tables over our Parquet files: where each table's current metadata file is. A table is a
-- projection of the catalog (docs/architecture.md, "Iceberg tables"): this pointer moves only by a
-- compare-and-swap, so two replicas catching up the same table never lose a snapshot.
CREATE TABLE iceberg_tables (
  namespace text NOT NULL,
  name text NOT NULL,
  metadata_location text NOT NULL,
  PRIMARY KEY (namespace, name)
);

-- Snapshots an erasure expired because they referenced a file holding erased rows (its receipt).
ALTER TABLE erasures ADD COLUMN iceberg_snapshots_expired bigint NOT NULL DEFAULT 0;
