-- Pages by a time cursor (`before`/`after` in ms or ISO, as the elizaOS UI and the sessions
-- API page) are read in (created_at, seq) order from this index, so a page in the middle of
-- a channel of a million messages costs what the newest page costs (issue 9). Pages by a
-- seq cursor, and the newest page, still read (channel_id, seq).
CREATE INDEX central_messages_channel_time_idx ON central_messages (channel_id, created_at, seq);
