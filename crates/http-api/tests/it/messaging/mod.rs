//! Messaging routes against a real server on `127.0.0.1:0`, on SQLite and PostgreSQL, with a
//! stand-in agent that answers through storage and the bus the way the runtime does.

pub mod app;
mod attachments;
mod channels;
mod core;
pub mod delivery;
mod history_cache;
mod jobs;
mod load;
mod messages;
mod recovery;
mod servers;
mod title;
mod transports;

/// Runs `$name(Backend)` once per backend, as `$name::sqlite` and `$name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name(agentd_storage::Backend::Sqlite).await;
            }

            #[actix_web::test]
            async fn postgres() {
                super::$name(agentd_storage::Backend::Postgres).await;
            }
        }
    };
}
