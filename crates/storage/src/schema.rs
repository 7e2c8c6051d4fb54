//! The one hand-written diesel schema for both backends (see [`crate::types`]).
//!
//! `diesel print-schema` would emit different types per backend, so this file is kept by
//! hand; the contract suite exercises every column on both backends to keep it honest.

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    agents (id) {
        id -> DbUuid,
        enabled -> Bool,
        server_id -> Nullable<DbUuid>,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
        name -> Text,
        username -> Nullable<Text>,
        system -> Nullable<Text>,
        bio -> DbJson,
        message_examples -> DbJson,
        post_examples -> DbJson,
        topics -> DbJson,
        adjectives -> DbJson,
        knowledge -> DbJson,
        plugins -> DbJson,
        settings -> DbJson,
        style -> DbJson,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    entities (id) {
        id -> DbUuid,
        agent_id -> DbUuid,
        created_at -> DbTimestamp,
        names -> DbJson,
        metadata -> DbJson,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    worlds (id) {
        id -> DbUuid,
        agent_id -> DbUuid,
        name -> Text,
        metadata -> Nullable<DbJson>,
        message_server_id -> Nullable<DbUuid>,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    rooms (id) {
        id -> DbUuid,
        agent_id -> Nullable<DbUuid>,
        source -> Text,
        #[sql_name = "type"]
        kind -> Text,
        message_server_id -> Nullable<DbUuid>,
        world_id -> Nullable<DbUuid>,
        name -> Nullable<Text>,
        metadata -> Nullable<DbJson>,
        channel_id -> Nullable<DbUuid>,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    memories (id) {
        id -> DbUuid,
        #[sql_name = "type"]
        kind -> Text,
        created_at -> DbTimestamp,
        content -> DbJson,
        entity_id -> Nullable<DbUuid>,
        agent_id -> DbUuid,
        room_id -> Nullable<DbUuid>,
        world_id -> Nullable<DbUuid>,
        #[sql_name = "unique"]
        is_unique -> Bool,
        metadata -> DbJson,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    embeddings (id) {
        id -> DbUuid,
        memory_id -> DbUuid,
        created_at -> DbTimestamp,
        dimension -> Integer,
        vector -> DbJson,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbTimestamp};
    participants (id) {
        id -> DbUuid,
        created_at -> DbTimestamp,
        entity_id -> Nullable<DbUuid>,
        room_id -> Nullable<DbUuid>,
        agent_id -> Nullable<DbUuid>,
        room_state -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    relationships (id) {
        id -> DbUuid,
        created_at -> DbTimestamp,
        source_entity_id -> DbUuid,
        target_entity_id -> DbUuid,
        agent_id -> DbUuid,
        tags -> Nullable<DbJson>,
        metadata -> Nullable<DbJson>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    components (id) {
        id -> DbUuid,
        entity_id -> DbUuid,
        agent_id -> DbUuid,
        room_id -> DbUuid,
        world_id -> Nullable<DbUuid>,
        source_entity_id -> Nullable<DbUuid>,
        #[sql_name = "type"]
        kind -> Text,
        data -> Nullable<DbJson>,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    logs (id) {
        id -> DbUuid,
        created_at -> DbTimestamp,
        entity_id -> DbUuid,
        body -> DbJson,
        #[sql_name = "type"]
        kind -> Text,
        room_id -> DbUuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    tasks (id) {
        id -> DbUuid,
        name -> Text,
        description -> Nullable<Text>,
        room_id -> Nullable<DbUuid>,
        world_id -> Nullable<DbUuid>,
        entity_id -> Nullable<DbUuid>,
        agent_id -> DbUuid,
        tags -> Nullable<DbJson>,
        metadata -> Nullable<DbJson>,
        created_at -> Nullable<DbTimestamp>,
        updated_at -> Nullable<DbTimestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    cache (key, agent_id) {
        key -> Text,
        agent_id -> DbUuid,
        value -> DbJson,
        created_at -> DbTimestamp,
        expires_at -> Nullable<DbTimestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    message_servers (id) {
        id -> DbUuid,
        name -> Text,
        source_type -> Text,
        source_id -> Nullable<Text>,
        metadata -> Nullable<DbJson>,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
    }
}

diesel::table! {
    use crate::types::DbUuid;
    message_server_agents (message_server_id, agent_id) {
        message_server_id -> DbUuid,
        agent_id -> DbUuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    channels (id) {
        id -> DbUuid,
        message_server_id -> DbUuid,
        name -> Text,
        #[sql_name = "type"]
        kind -> Text,
        source_type -> Nullable<Text>,
        source_id -> Nullable<Text>,
        topic -> Nullable<Text>,
        metadata -> Nullable<DbJson>,
        last_seq -> BigInt,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
        revision -> BigInt,
    }
}

diesel::table! {
    use crate::types::DbUuid;
    channel_participants (channel_id, entity_id) {
        channel_id -> DbUuid,
        entity_id -> DbUuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    central_messages (id) {
        id -> DbUuid,
        channel_id -> DbUuid,
        seq -> BigInt,
        author_id -> DbUuid,
        content -> Text,
        raw_message -> Nullable<DbJson>,
        in_reply_to_root_message_id -> Nullable<DbUuid>,
        source_type -> Nullable<Text>,
        source_id -> Nullable<Text>,
        metadata -> Nullable<DbJson>,
        client_message_id -> Nullable<Text>,
        in_reply_to -> Nullable<DbUuid>,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    sessions (id) {
        id -> DbUuid,
        agent_id -> DbUuid,
        channel_id -> DbUuid,
        user_id -> DbUuid,
        metadata -> DbJson,
        timeout_minutes -> Integer,
        auto_renew -> Bool,
        max_duration_minutes -> Integer,
        warning_threshold_minutes -> Integer,
        created_at -> DbTimestamp,
        last_activity -> DbTimestamp,
        expires_at -> DbTimestamp,
        renewal_count -> Integer,
        token_hash -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbTimestamp};
    agent_channel_cursors (agent_id, channel_id) {
        agent_id -> DbUuid,
        channel_id -> DbUuid,
        last_seq -> BigInt,
        updated_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbJson, DbTimestamp};
    jobs (id) {
        id -> DbUuid,
        agent_id -> DbUuid,
        channel_id -> DbUuid,
        user_message_id -> DbUuid,
        status -> Text,
        result -> Nullable<DbJson>,
        error -> Nullable<Text>,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
        expires_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbTimestamp};
    uploads (id) {
        id -> DbUuid,
        agent_id -> Nullable<DbUuid>,
        channel_id -> Nullable<DbUuid>,
        stored_name -> Text,
        original_name -> Text,
        mime -> Text,
        size -> BigInt,
        sha256 -> Text,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::{DbUuid, DbTimestamp};
    message_deliveries (message_id, agent_id) {
        message_id -> DbUuid,
        agent_id -> DbUuid,
        state -> Text,
        updated_at -> DbTimestamp,
        reason -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    agents,
    entities,
    worlds,
    rooms,
    memories,
    embeddings,
    participants,
    relationships,
    components,
    logs,
    tasks,
    cache,
    message_servers,
    message_server_agents,
    channels,
    channel_participants,
    central_messages,
    sessions,
    agent_channel_cursors,
    jobs,
    uploads,
    message_deliveries,
);
