-- Retention by age: a group keeps rows for max_age (ISO-8601, P2Y) after their event time; NULL keeps
-- them for ever. Older rows are removed by a retention run, recorded in erasures like an erasure
-- (its steps, counts and receipt), with the group and the event time it removed rows before.
ALTER TABLE feature_groups ADD COLUMN max_age text;
ALTER TABLE erasures ADD COLUMN retention_of text;
ALTER TABLE erasures ADD COLUMN removed_before timestamptz;
