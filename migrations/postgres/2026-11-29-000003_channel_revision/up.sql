-- channels.revision changes with every committed change to what a history page of the
-- channel shows: its messages (insert, update, delete, including cascades) and their
-- delivery states. The history-page cache (issue 9) serves a rendered page only while the
-- revision it was rendered at is still current; the triggers keep that true for every
-- writer of the database, whichever instance or code path it is. Statement-level triggers
-- over transition tables: clearing a channel of a million messages bumps it once.
ALTER TABLE channels ADD COLUMN revision bigint NOT NULL DEFAULT 0;

CREATE FUNCTION bump_revision_by_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE channels SET revision = revision + 1
    WHERE id IN (SELECT channel_id FROM changed_rows);
    RETURN NULL;
END
$$;

-- Row-level and BEFORE for deliveries: the channel row is locked before the delivery row,
-- the order in which a reply's transaction takes them (channel for its seq, then the
-- answered message's delivery), so the two never wait on each other in a cycle.
CREATE FUNCTION bump_revision_by_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed_message uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed_message := OLD.message_id;
    ELSE
        changed_message := NEW.message_id;
    END IF;
    UPDATE channels SET revision = revision + 1
    WHERE id = (SELECT channel_id FROM central_messages WHERE id = changed_message);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER central_messages_revision_insert AFTER INSERT ON central_messages
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_revision_by_messages();
CREATE TRIGGER central_messages_revision_update AFTER UPDATE ON central_messages
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_revision_by_messages();
CREATE TRIGGER central_messages_revision_delete AFTER DELETE ON central_messages
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_revision_by_messages();

CREATE TRIGGER message_deliveries_revision BEFORE INSERT OR UPDATE OR DELETE
    ON message_deliveries FOR EACH ROW EXECUTE FUNCTION bump_revision_by_delivery();
