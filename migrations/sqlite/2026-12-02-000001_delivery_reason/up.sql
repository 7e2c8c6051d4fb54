-- Why a delivery ended as it did: for `ignored` the reason (not_addressed, loop_guard,
-- ignore_action, agent_stopped), for `errored` the provider's error code. Null otherwise.
ALTER TABLE message_deliveries ADD COLUMN reason text;
-- The deliveries an agent still holds, settled at once when it is stopped.
CREATE INDEX message_deliveries_pending ON message_deliveries (agent_id) WHERE state = 'dispatched';
