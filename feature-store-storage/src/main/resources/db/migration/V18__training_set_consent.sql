-- Spine rows whose key had no consent for the training set's purpose: left out of the output, or
-- kept with null features, as the request's consent policy said. 0 without a purpose.
ALTER TABLE training_sets ADD COLUMN rows_without_consent bigint NOT NULL DEFAULT 0;
