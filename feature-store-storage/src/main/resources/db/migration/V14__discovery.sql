-- Discovery (issue 22, item 1): full-text search over the catalog, and per-file feature statistics.

-- One search document per entity, feature group and feature of a group's current schema version.
-- Triggers keep them in step with the catalog, so that every writer (and every later migration)
-- updates them without knowing they exist; deleting a group or entity deletes its documents.
-- group_name is the feature's group for FEATURE documents, '' for the others. A deleted group's
-- name may be taken again, so documents are told apart by the row they describe, not by name.
CREATE TABLE search_documents (
    id               bigserial PRIMARY KEY,
    kind             text     NOT NULL CHECK (kind IN ('ENTITY', 'FEATURE_GROUP', 'FEATURE')),
    name             text     NOT NULL,
    group_name       text     NOT NULL,
    entity_name      text     REFERENCES entities (name) ON DELETE CASCADE,
    feature_group_id bigint   REFERENCES feature_groups (id) ON DELETE CASCADE,
    description      text     NOT NULL,
    owner            text     NOT NULL,
    tags             text[]   NOT NULL,
    document         tsvector NOT NULL
);
CREATE INDEX search_documents_document ON search_documents USING gin (document);
CREATE INDEX search_documents_by_group ON search_documents (feature_group_id);

-- Words as lexemes of their own, each with a position so that its weight counts in ts_rank
-- (a lexeme without a position ranks as weight D whatever setweight says). Names and tags match
-- [a-z0-9_:.=-], so quoting them as tsvector literals is safe.
CREATE FUNCTION search_lexemes(words text[], weight "char") RETURNS tsvector AS $$
    SELECT setweight(coalesce(string_agg(quote_literal(word) || ':1', ' ')::tsvector, ''::tsvector),
                     weight)
    FROM unnest(words) AS word
$$ LANGUAGE sql IMMUTABLE;

-- Names weigh most (A), then owner and tags (B), then descriptions (C): ts_rank's default weights
-- 1.0, 0.4, 0.2 rank a name match above a tag or owner match above a description match. A name is
-- both its words (user_activity: user, activity, stemmed) and itself whole, for prefix matches.
CREATE FUNCTION search_document(name text, description text, owner text, tags text[])
    RETURNS tsvector AS $$
    SELECT setweight(to_tsvector('english', replace(name, '_', ' ')), 'A')
        || search_lexemes(ARRAY[name], 'A')
        || setweight(to_tsvector('english', owner || ' ' || array_to_string(tags, ' ')), 'B')
        || search_lexemes(tags, 'B')
        || setweight(to_tsvector('english', description), 'C')
$$ LANGUAGE sql STABLE;

CREATE FUNCTION refresh_entity_search() RETURNS trigger AS $$
BEGIN
    DELETE FROM search_documents WHERE kind = 'ENTITY' AND entity_name = NEW.name;
    INSERT INTO search_documents
        (kind, name, group_name, entity_name, description, owner, tags, document)
    VALUES ('ENTITY', NEW.name, '', NEW.name, NEW.description, NEW.owner, NEW.tags,
            search_document(NEW.name, NEW.description, NEW.owner, NEW.tags));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER entities_search
    AFTER INSERT OR UPDATE OF description, owner, tags ON entities
    FOR EACH ROW EXECUTE FUNCTION refresh_entity_search();

-- A group's document and its current schema version's features (which carry their descriptions).
-- Features show the group's owner and tags, but only their own name and description find them.
-- A deleted group (a deleted_at column, should the catalog have one) has none: read through
-- to_jsonb so that this function does not depend on which later migration adds the column.
CREATE FUNCTION refresh_feature_group_search(group_id bigint) RETURNS void AS $$
    DELETE FROM search_documents WHERE feature_group_id = group_id;
    INSERT INTO search_documents
        (kind, name, group_name, feature_group_id, description, owner, tags, document)
    SELECT 'FEATURE_GROUP', g.name, '', g.id, g.description, g.owner, g.tags,
           search_document(g.name, g.description, g.owner, g.tags)
    FROM feature_groups g WHERE g.id = group_id AND to_jsonb(g) ->> 'deleted_at' IS NULL;
    INSERT INTO search_documents
        (kind, name, group_name, feature_group_id, description, owner, tags, document)
    SELECT 'FEATURE', f ->> 'name', g.name, g.id, coalesce(f ->> 'description', ''), g.owner, g.tags,
           search_document(f ->> 'name', coalesce(f ->> 'description', ''), '', '{}')
    FROM feature_groups g
    JOIN feature_group_schema_versions v
        ON v.feature_group_id = g.id AND v.version = g.current_schema_version
    CROSS JOIN jsonb_array_elements(v.features) AS f
    WHERE g.id = group_id AND to_jsonb(g) ->> 'deleted_at' IS NULL;
$$ LANGUAGE sql;

CREATE FUNCTION refresh_feature_group_search_of_row() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'feature_groups' THEN
        PERFORM refresh_feature_group_search(NEW.id);
    ELSE
        PERFORM refresh_feature_group_search(NEW.feature_group_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER feature_groups_search_insert
    AFTER INSERT ON feature_groups
    FOR EACH ROW EXECUTE FUNCTION refresh_feature_group_search_of_row();

-- Any change but the latest sequence (every commit) or the online flag: documentation, schema
-- version, and columns later migrations add (a deletion).
CREATE TRIGGER feature_groups_search_update
    AFTER UPDATE ON feature_groups
    FOR EACH ROW
    WHEN (to_jsonb(OLD) - 'latest_sequence' - 'online'
          IS DISTINCT FROM to_jsonb(NEW) - 'latest_sequence' - 'online')
    EXECUTE FUNCTION refresh_feature_group_search_of_row();

CREATE TRIGGER feature_group_schema_versions_search
    AFTER INSERT OR UPDATE OF features ON feature_group_schema_versions
    FOR EACH ROW EXECUTE FUNCTION refresh_feature_group_search_of_row();

-- What the catalog held before this migration.
INSERT INTO search_documents
    (kind, name, group_name, entity_name, description, owner, tags, document)
SELECT 'ENTITY', name, '', name, description, owner, tags,
       search_document(name, description, owner, tags)
FROM entities;
SELECT refresh_feature_group_search(id) FROM feature_groups;

-- Statistics of each feature over one data file's rows, computed while the file is written
-- (FeatureStatistics in core). A version's statistics merge those of the files it reads; a file
-- rewritten by an erasure gets its rows' statistics anew, and an expired file loses them with its
-- rows. min_value and max_value are text in the feature type's canonical form (strings cut to 64
-- characters); distinct_sketch is a HyperLogLog sketch of the non-null values.
CREATE TABLE data_file_statistics (
    data_file_id    uuid   NOT NULL REFERENCES data_files (id) ON DELETE CASCADE,
    feature         text   NOT NULL,
    null_count      bigint NOT NULL CHECK (null_count >= 0),
    min_value       text,
    max_value       text,
    distinct_sketch bytea  NOT NULL,
    PRIMARY KEY (data_file_id, feature)
);
