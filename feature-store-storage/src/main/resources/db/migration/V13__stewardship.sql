-- Discovery: who owns an entity or feature group and which tags find it. Feature descriptions live in
-- each schema version's features (jsonb), next to the feature they describe.
ALTER TABLE entities ADD COLUMN owner text NOT NULL DEFAULT '';
ALTER TABLE entities ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
ALTER TABLE feature_groups ADD COLUMN owner text NOT NULL DEFAULT '';
ALTER TABLE feature_groups ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
