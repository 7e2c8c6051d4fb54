//! A session's creation: its own DM channel with the agent as the one participant, then
//! the session row with the hash of a new session token. The timeout rules themselves are
//! `agentd-sessions`'.

use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::{Channel, Session};
use agentd_sessions::config::TimeoutConfig;
use agentd_sessions::{lifecycle, token};
use agentd_storage::prelude::*;
use chrono::Utc;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::channels::NewChannel;
use crate::{Messaging, MessagingError};

/// A session to open.
#[derive(Debug, Clone)]
pub struct SessionRequest {
    /// The agent the user talks to.
    pub agent: Uuid,
    /// The user.
    pub user: Uuid,
    /// The client's metadata, kept on the session and on its channel.
    pub metadata: Map<String, Value>,
    /// The timeouts, already merged from the server, the agent and the request.
    pub config: TimeoutConfig,
}

impl Messaging {
    /// Opens a session; returns it with its token, which is given out once (only its hash
    /// is stored).
    pub async fn open_session(
        &self,
        req: SessionRequest,
    ) -> Result<(Session, String), MessagingError> {
        let now = Utc::now();
        let (session_id, channel_id) = (Uuid::new_v4(), Uuid::new_v4());
        let mut meta = Map::new();
        meta.insert("sessionId".into(), session_id.to_string().into());
        meta.insert("agentId".into(), req.agent.to_string().into());
        meta.insert("userId".into(), req.user.to_string().into());
        meta.insert("timeoutConfig".into(), req.config.to_json());
        meta.extend(req.metadata.clone());
        let name = format!("session-{session_id}");
        let mut channel = Channel::new(channel_id, DEFAULT_SERVER_ID, name, "DM", now);
        channel.source_type = Some("session".to_owned());
        channel.metadata = Some(Value::Object(meta));
        self.create_channel(NewChannel {
            channel,
            participants: vec![req.agent],
        })
        .await?;
        let ids = (session_id, req.agent, channel_id, req.user);
        let metadata = Value::Object(req.metadata);
        let mut s = lifecycle::new_session(ids, metadata, &req.config, now);
        let (session_token, hash) = token::issue();
        s.token_hash = Some(hash);
        let s = self.db.create_session(&s).await?;
        Ok((s, session_token))
    }
}
