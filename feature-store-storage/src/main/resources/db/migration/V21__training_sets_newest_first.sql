-- Lists page training sets newest first by (created_at, id) in the catalog (keyset pagination):
-- with this index a page reads only its own rows, however many training sets exist.
CREATE INDEX training_sets_newest_first ON training_sets (created_at DESC, id DESC);
