//! `subscribe_logs`, `unsubscribe_logs`, `update_log_filters` and the `log_stream` feed.

use std::sync::Arc;

use agentd_socketio::Socket;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::LogFilters;
use crate::{Core, app};

fn confirm(socket: &Socket, subscribed: bool, message: &str) {
    let _ = socket.emit(
        "log_subscription_confirmed",
        &json!({"subscribed": subscribed, "message": message}),
    );
}

/// Turns the stream on for a socket; with a key configured, only a socket that presented
/// it may read server logs.
pub(crate) fn subscribe(core: &Core, socket: &Socket) {
    let key_ok = app::state(socket).is_some_and(|s| s.key_ok);
    if core.auth_on() && !key_ok {
        confirm(socket, false, "API key required for the log stream");
        return;
    }
    if let Ok(mut subs) = core.log_subscribers.lock() {
        subs.entry(socket.id().to_owned())
            .or_insert_with(|| (socket.clone(), LogFilters::default()));
    }
    confirm(socket, true, "Successfully subscribed to log stream");
}

/// Turns the stream off for a socket.
pub(crate) fn unsubscribe(core: &Core, socket: &Socket) {
    drop_socket(core, socket);
    confirm(socket, false, "Successfully unsubscribed from log stream");
}

/// Forgets a socket's subscription (on unsubscribe and disconnect).
pub(crate) fn drop_socket(core: &Core, socket: &Socket) {
    if let Ok(mut subs) = core.log_subscribers.lock() {
        subs.remove(socket.id());
    }
}

/// Merges `{agentName?, level?}` into the socket's filters.
pub(crate) fn update_filters(core: &Core, socket: &Socket, update: &Value) {
    let Ok(mut subs) = core.log_subscribers.lock() else {
        return;
    };
    let Some((_, filters)) = subs.get_mut(socket.id()) else {
        let _ = socket.emit(
            "log_filters_updated",
            &json!({"success": false, "error": "Not subscribed to log stream"}),
        );
        return;
    };
    if let Some(name) = update.get("agentName").and_then(Value::as_str) {
        filters.agent_name = name.to_owned();
    }
    if let Some(level) = update.get("level").and_then(Value::as_str) {
        filters.level = level.to_owned();
    }
    let _ = socket.emit(
        "log_filters_updated",
        &json!({"success": true, "filters": filters}),
    );
}

/// Sends each new record once to every subscribed socket whose filters it passes.
pub(crate) async fn forward(core: Arc<Core>) {
    let mut feed = core.logs.subscribe();
    loop {
        let record = match feed.recv().await {
            Ok(record) => record,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        let targets: Vec<Socket> = match core.log_subscribers.lock() {
            Ok(subs) => subs
                .values()
                .filter(|(_, f)| f.matches(&record))
                .map(|(s, _)| s.clone())
                .collect(),
            Err(_) => continue,
        };
        if targets.is_empty() {
            continue;
        }
        let event = json!({"type": "log_entry", "payload": record});
        for socket in targets {
            let _ = socket.emit("log_stream", &event);
        }
    }
}
