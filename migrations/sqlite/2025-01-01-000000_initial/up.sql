-- SQLite: ids are hyphenated UUID TEXT, JSON is TEXT, timestamps are fixed-width UTC TEXT
-- (2030-01-02T03:04:05.678901Z) so TEXT order is time order.
-- The elizaOS 1.7 tables (spec section 8) plus agentd's additions (design section 3).
-- Every table an agent owns cascades from agents(id), so deleting an agent is one statement.

CREATE TABLE agents (
    id               text        PRIMARY KEY,
    enabled          boolean     NOT NULL DEFAULT 1,
    server_id        text,
    created_at       text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    updated_at       text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    name             text        NOT NULL,
    username         text,
    system           text        DEFAULT '',
    bio              text       NOT NULL DEFAULT '[]',
    message_examples text       NOT NULL DEFAULT '[]',
    post_examples    text       NOT NULL DEFAULT '[]',
    topics           text       NOT NULL DEFAULT '[]',
    adjectives       text       NOT NULL DEFAULT '[]',
    knowledge        text       NOT NULL DEFAULT '[]',
    plugins          text       NOT NULL DEFAULT '[]',
    settings         text       NOT NULL DEFAULT '{}',
    style            text       NOT NULL DEFAULT '{}'
);
CREATE INDEX agents_enabled_idx ON agents (enabled);

CREATE TABLE entities (
    id         text        PRIMARY KEY,
    agent_id   text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    names      text       NOT NULL DEFAULT '[]',
    metadata   text       NOT NULL DEFAULT '{}',
    UNIQUE (id, agent_id)
);
CREATE INDEX entities_agent_id_idx ON entities (agent_id);

CREATE TABLE worlds (
    id                text        PRIMARY KEY,
    agent_id          text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    name              text        NOT NULL,
    metadata          text,
    message_server_id text,
    created_at        text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
);
CREATE INDEX worlds_agent_id_idx ON worlds (agent_id);

CREATE TABLE rooms (
    id                text        PRIMARY KEY,
    agent_id          text        REFERENCES agents (id) ON DELETE CASCADE,
    source            text        NOT NULL,
    type              text        NOT NULL,
    message_server_id text,
    world_id          text,
    name              text,
    metadata          text,
    channel_id        text,
    created_at        text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
);
CREATE INDEX rooms_agent_id_idx ON rooms (agent_id);
CREATE INDEX rooms_channel_id_idx ON rooms (channel_id);

CREATE TABLE memories (
    id         text        PRIMARY KEY,
    type       text        NOT NULL,
    created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    content    text       NOT NULL,
    entity_id  text        REFERENCES entities (id) ON DELETE CASCADE,
    agent_id   text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    room_id    text        REFERENCES rooms (id) ON DELETE CASCADE,
    world_id   text,
    "unique"   boolean     NOT NULL DEFAULT 1,
    metadata   text       NOT NULL DEFAULT '{}'
);
CREATE INDEX memories_type_room_idx ON memories (type, room_id, created_at);
CREATE INDEX memories_world_id_idx ON memories (world_id);
CREATE INDEX memories_agent_id_idx ON memories (agent_id);
CREATE INDEX memories_entity_id_idx ON memories (entity_id);
CREATE INDEX memories_room_id_idx ON memories (room_id);

-- No vector extension: the vector is JSON with its dimension.
CREATE TABLE embeddings (
    id         text        PRIMARY KEY,
    memory_id  text        NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
    created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    dimension  integer     NOT NULL,
    vector     text       NOT NULL
);
CREATE INDEX embeddings_memory_id_idx ON embeddings (memory_id);

CREATE TABLE participants (
    id         text        PRIMARY KEY,
    created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    entity_id  text        REFERENCES entities (id) ON DELETE CASCADE,
    room_id    text        REFERENCES rooms (id) ON DELETE CASCADE,
    agent_id   text        REFERENCES agents (id) ON DELETE CASCADE,
    room_state text
);
CREATE INDEX participants_entity_id_idx ON participants (entity_id);
CREATE INDEX participants_room_id_idx ON participants (room_id);
CREATE INDEX participants_agent_id_idx ON participants (agent_id);

CREATE TABLE relationships (
    id               text        PRIMARY KEY,
    created_at       text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    source_entity_id text        NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    target_entity_id text        NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    agent_id         text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    tags             text,
    metadata         text,
    UNIQUE (source_entity_id, target_entity_id, agent_id)
);
CREATE INDEX relationships_target_idx ON relationships (target_entity_id);
CREATE INDEX relationships_agent_id_idx ON relationships (agent_id);

CREATE TABLE components (
    id               text        PRIMARY KEY,
    entity_id        text        NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    agent_id         text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    room_id          text        NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    world_id         text        REFERENCES worlds (id) ON DELETE CASCADE,
    source_entity_id text        REFERENCES entities (id) ON DELETE CASCADE,
    type             text        NOT NULL,
    data             text       DEFAULT '{}',
    created_at       text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
);
CREATE INDEX components_entity_id_idx ON components (entity_id);
CREATE INDEX components_agent_id_idx ON components (agent_id);
CREATE INDEX components_room_id_idx ON components (room_id);
CREATE INDEX components_world_id_idx ON components (world_id);
CREATE INDEX components_source_entity_id_idx ON components (source_entity_id);

-- elizaOS has no primary key here; we give the id one so rows can be addressed.
CREATE TABLE logs (
    id         text        PRIMARY KEY,
    created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    entity_id  text        NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    body       text       NOT NULL,
    type       text        NOT NULL,
    room_id    text        NOT NULL REFERENCES rooms (id) ON DELETE CASCADE
);
CREATE INDEX logs_entity_id_idx ON logs (entity_id, created_at);
CREATE INDEX logs_room_id_idx ON logs (room_id, created_at);

CREATE TABLE tasks (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    description text,
    room_id     text,
    world_id    text,
    entity_id   text,
    agent_id    text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    tags        text       DEFAULT '[]',
    metadata    text       DEFAULT '{}',
    created_at  text DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    updated_at  text DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
);
CREATE INDEX tasks_agent_id_idx ON tasks (agent_id);

CREATE TABLE cache (
    key        text        NOT NULL,
    agent_id   text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    value      text       NOT NULL,
    created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    expires_at text,
    PRIMARY KEY (key, agent_id)
);
CREATE INDEX cache_agent_id_idx ON cache (agent_id);

CREATE TABLE message_servers (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    source_type text        NOT NULL,
    source_id   text,
    metadata    text,
    created_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    updated_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
);

CREATE TABLE message_server_agents (
    message_server_id text NOT NULL REFERENCES message_servers (id) ON DELETE CASCADE,
    agent_id          text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    PRIMARY KEY (message_server_id, agent_id)
);
CREATE INDEX message_server_agents_agent_id_idx ON message_server_agents (agent_id);

CREATE TABLE channels (
    id                text        PRIMARY KEY,
    message_server_id text        NOT NULL REFERENCES message_servers (id) ON DELETE CASCADE,
    name              text        NOT NULL,
    type              text        NOT NULL,
    source_type       text,
    source_id         text,
    topic             text,
    metadata          text,
    last_seq          integer      NOT NULL DEFAULT 0,
    created_at        text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    updated_at        text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
);
CREATE INDEX channels_message_server_id_idx ON channels (message_server_id, created_at);

CREATE TABLE channel_participants (
    channel_id text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    entity_id  text NOT NULL,
    PRIMARY KEY (channel_id, entity_id)
);
CREATE INDEX channel_participants_entity_id_idx ON channel_participants (entity_id);

-- seq: per-channel, gap-free, assigned from channels.last_seq in the insert transaction.
-- client_message_id: the author's idempotency key. in_reply_to: set on agent replies only;
-- unique per author so one agent never answers one message twice.
-- Pages (including `before` a timestamp) are read by scanning (channel_id, seq) backwards;
-- there is deliberately no (channel_id, created_at) index to lure the planner into a sort.
CREATE TABLE central_messages (
    id                          text        PRIMARY KEY,
    channel_id                  text        NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq                         integer      NOT NULL,
    author_id                   text        NOT NULL,
    content                     text        NOT NULL,
    raw_message                 text,
    in_reply_to_root_message_id text        REFERENCES central_messages (id) ON DELETE SET NULL,
    source_type                 text,
    source_id                   text,
    metadata                    text,
    client_message_id           text,
    in_reply_to                 text,
    created_at                  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    updated_at                  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    CONSTRAINT central_messages_channel_seq_key UNIQUE (channel_id, seq)
);
CREATE UNIQUE INDEX central_messages_idempotency_key ON central_messages (channel_id, author_id, client_message_id)
    WHERE client_message_id IS NOT NULL;
CREATE UNIQUE INDEX central_messages_one_reply_key ON central_messages (author_id, in_reply_to)
    WHERE in_reply_to IS NOT NULL;
CREATE INDEX central_messages_root_idx ON central_messages (in_reply_to_root_message_id);

CREATE TABLE sessions (
    id                        text        PRIMARY KEY,
    agent_id                  text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    channel_id                text        NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id                   text        NOT NULL,
    metadata                  text       NOT NULL DEFAULT '{}',
    timeout_minutes           integer     NOT NULL,
    auto_renew                boolean     NOT NULL,
    max_duration_minutes      integer     NOT NULL,
    warning_threshold_minutes integer     NOT NULL,
    created_at                text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    last_activity             text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    expires_at                text NOT NULL,
    renewal_count             integer     NOT NULL DEFAULT 0,
    token_hash                text
);
CREATE INDEX sessions_agent_id_idx ON sessions (agent_id);
CREATE INDEX sessions_channel_id_idx ON sessions (channel_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE agent_channel_cursors (
    agent_id   text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    channel_id text        NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    last_seq   integer      NOT NULL DEFAULT 0,
    updated_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    PRIMARY KEY (agent_id, channel_id)
);
CREATE INDEX agent_channel_cursors_channel_id_idx ON agent_channel_cursors (channel_id);

CREATE TABLE jobs (
    id              text        PRIMARY KEY,
    agent_id        text        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    channel_id      text        NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_message_id text        NOT NULL,
    status          text        NOT NULL,
    result          text,
    error           text,
    created_at      text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    updated_at      text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    expires_at      text NOT NULL
);
CREATE INDEX jobs_agent_id_idx ON jobs (agent_id);
CREATE INDEX jobs_channel_id_idx ON jobs (channel_id);
CREATE INDEX jobs_user_message_id_idx ON jobs (user_message_id);
CREATE INDEX jobs_expires_at_idx ON jobs (expires_at);

CREATE TABLE uploads (
    id            text        PRIMARY KEY,
    agent_id      text        REFERENCES agents (id) ON DELETE CASCADE,
    channel_id    text        REFERENCES channels (id) ON DELETE CASCADE,
    stored_name   text        NOT NULL UNIQUE,
    original_name text        NOT NULL,
    mime          text        NOT NULL,
    size          integer      NOT NULL,
    sha256        text        NOT NULL,
    created_at    text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
);
CREATE INDEX uploads_agent_id_idx ON uploads (agent_id);
CREATE INDEX uploads_channel_id_idx ON uploads (channel_id);
