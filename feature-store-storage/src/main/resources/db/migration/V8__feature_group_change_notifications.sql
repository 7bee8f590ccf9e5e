-- Every change to a feature group's row (creation, a commit moving latest_sequence, schema evolution,
-- the online flag) notifies the channel feature_group_changes when its transaction commits, so that
-- other servers on this catalog refresh their online indexes at once instead of at their next poll
-- (FeatureGroupChangeListener). The notification carries nothing: listeners re-read the catalog.
CREATE FUNCTION notify_feature_group_changes() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('feature_group_changes', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER feature_group_changes
    AFTER INSERT OR UPDATE OR DELETE ON feature_groups
    FOR EACH STATEMENT EXECUTE FUNCTION notify_feature_group_changes();
