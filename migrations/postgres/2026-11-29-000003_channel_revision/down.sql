DROP TRIGGER message_deliveries_revision ON message_deliveries;
DROP TRIGGER central_messages_revision_delete ON central_messages;
DROP TRIGGER central_messages_revision_update ON central_messages;
DROP TRIGGER central_messages_revision_insert ON central_messages;
DROP FUNCTION bump_revision_by_delivery();
DROP FUNCTION bump_revision_by_messages();
ALTER TABLE channels DROP COLUMN revision;
