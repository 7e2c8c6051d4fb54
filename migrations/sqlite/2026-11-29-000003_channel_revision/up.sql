-- channels.revision changes with every committed change to what a history page of the
-- channel shows: its messages (insert, update, delete, including cascades) and their
-- delivery states. The history-page cache (issue 9) serves a rendered page only while the
-- revision it was rendered at is still current; the triggers keep that true for every
-- writer of the database, whichever instance or code path it is.
ALTER TABLE channels ADD COLUMN revision integer NOT NULL DEFAULT 0;

CREATE TRIGGER central_messages_revision_insert AFTER INSERT ON central_messages
BEGIN
    UPDATE channels SET revision = revision + 1 WHERE id = NEW.channel_id;
END;
CREATE TRIGGER central_messages_revision_update AFTER UPDATE ON central_messages
BEGIN
    UPDATE channels SET revision = revision + 1 WHERE id IN (OLD.channel_id, NEW.channel_id);
END;
CREATE TRIGGER central_messages_revision_delete AFTER DELETE ON central_messages
BEGIN
    UPDATE channels SET revision = revision + 1 WHERE id = OLD.channel_id;
END;

CREATE TRIGGER message_deliveries_revision_insert AFTER INSERT ON message_deliveries
BEGIN
    UPDATE channels SET revision = revision + 1
    WHERE id = (SELECT channel_id FROM central_messages WHERE id = NEW.message_id);
END;
CREATE TRIGGER message_deliveries_revision_update AFTER UPDATE ON message_deliveries
BEGIN
    UPDATE channels SET revision = revision + 1
    WHERE id = (SELECT channel_id FROM central_messages WHERE id = NEW.message_id);
END;
CREATE TRIGGER message_deliveries_revision_delete AFTER DELETE ON message_deliveries
BEGIN
    UPDATE channels SET revision = revision + 1
    WHERE id = (SELECT channel_id FROM central_messages WHERE id = OLD.message_id);
END;
