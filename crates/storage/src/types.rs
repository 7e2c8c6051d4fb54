//! Portable SQL types: one hand-written schema serves both backends.
//!
//! PostgreSQL stores native `uuid`, `jsonb` and `timestamptz`; SQLite stores TEXT. Timestamps
//! on SQLite are written with a fixed width (`2030-01-02T03:04:05.678901Z`), so comparing and
//! ordering the TEXT sorts them in time order. Both backends keep microseconds.

use agentd_core::time::Timestamp;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::query_builder::QueryId;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{self, SqlType};
use diesel::sqlite::{Sqlite, SqliteValue};
use uuid::Uuid;

/// SQL type of an id column: `uuid` on PostgreSQL, TEXT (hyphenated) on SQLite.
#[derive(SqlType, QueryId, Debug, Clone, Copy, Default)]
#[diesel(postgres_type(oid = 2950, array_oid = 2951))]
#[diesel(sqlite_type(name = "Text"))]
pub struct DbUuid;

/// SQL type of a JSON column: `jsonb` on PostgreSQL, TEXT on SQLite.
#[derive(SqlType, QueryId, Debug, Clone, Copy, Default)]
#[diesel(postgres_type(oid = 3802, array_oid = 3807))]
#[diesel(sqlite_type(name = "Text"))]
pub struct DbJson;

/// SQL type of a timestamp column: `timestamptz` on PostgreSQL, fixed-width TEXT on SQLite.
#[derive(SqlType, QueryId, Debug, Clone, Copy, Default)]
#[diesel(postgres_type(oid = 1184, array_oid = 1185))]
#[diesel(sqlite_type(name = "Text"))]
pub struct DbTimestamp;

/// A UUID bound to or read from a [`DbUuid`] column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = DbUuid)]
pub struct Id(pub Uuid);

/// A JSON value bound to or read from a [`DbJson`] column.
#[derive(Debug, Clone, PartialEq, AsExpression, FromSqlRow)]
#[diesel(sql_type = DbJson)]
pub struct Json(pub serde_json::Value);

/// A UTC instant bound to or read from a [`DbTimestamp`] column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, AsExpression, FromSqlRow)]
#[diesel(sql_type = DbTimestamp)]
pub struct Ts(pub Timestamp);

/// The SQLite TEXT form of a timestamp: fixed width, so TEXT order is time order.
const SQLITE_TS_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// The current time truncated to microseconds, the precision both backends keep, so a value
/// written and read back compares equal.
pub fn now() -> Timestamp {
    truncate_micros(Utc::now())
}

/// Truncates an instant to microseconds (see [`now`]).
pub fn truncate_micros(t: Timestamp) -> Timestamp {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

impl From<Uuid> for Id {
    fn from(u: Uuid) -> Self {
        Id(u)
    }
}

impl From<Timestamp> for Ts {
    fn from(t: Timestamp) -> Self {
        Ts(t)
    }
}

impl ToSql<DbUuid, Pg> for Id {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <Uuid as ToSql<sql_types::Uuid, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<DbUuid, Pg> for Id {
    fn from_sql(v: PgValue<'_>) -> deserialize::Result<Self> {
        <Uuid as FromSql<sql_types::Uuid, Pg>>::from_sql(v).map(Id)
    }
}

impl ToSql<DbUuid, Sqlite> for Id {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.hyphenated().to_string());
        Ok(IsNull::No)
    }
}

impl FromSql<DbUuid, Sqlite> for Id {
    fn from_sql(v: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let s = <String as FromSql<sql_types::Text, Sqlite>>::from_sql(v)?;
        Ok(Id(Uuid::parse_str(&s)?))
    }
}

impl ToSql<DbJson, Pg> for Json {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <serde_json::Value as ToSql<sql_types::Jsonb, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<DbJson, Pg> for Json {
    fn from_sql(v: PgValue<'_>) -> deserialize::Result<Self> {
        <serde_json::Value as FromSql<sql_types::Jsonb, Pg>>::from_sql(v).map(Json)
    }
}

impl ToSql<DbJson, Sqlite> for Json {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(serde_json::to_string(&self.0)?);
        Ok(IsNull::No)
    }
}

impl FromSql<DbJson, Sqlite> for Json {
    fn from_sql(v: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let s = <String as FromSql<sql_types::Text, Sqlite>>::from_sql(v)?;
        Ok(Json(serde_json::from_str(&s)?))
    }
}

impl ToSql<DbTimestamp, Pg> for Ts {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <Timestamp as ToSql<sql_types::Timestamptz, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<DbTimestamp, Pg> for Ts {
    fn from_sql(v: PgValue<'_>) -> deserialize::Result<Self> {
        <Timestamp as FromSql<sql_types::Timestamptz, Pg>>::from_sql(v).map(Ts)
    }
}

impl ToSql<DbTimestamp, Sqlite> for Ts {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.format(SQLITE_TS_FORMAT).to_string());
        Ok(IsNull::No)
    }
}

impl FromSql<DbTimestamp, Sqlite> for Ts {
    fn from_sql(v: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let s = <String as FromSql<sql_types::Text, Sqlite>>::from_sql(v)?;
        parse_sqlite_ts(&s).map(Ts)
    }
}

/// Parses our fixed-width form, any RFC 3339 form, or SQLite's `CURRENT_TIMESTAMP` form.
fn parse_sqlite_ts(s: &str) -> deserialize::Result<Timestamp> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")?;
    Ok(naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_timestamps_are_fixed_width_and_round_trip() {
        let a = DateTime::from_timestamp_micros(1_893_553_445_000_000).unwrap();
        let b = DateTime::from_timestamp_micros(1_893_553_445_678_901).unwrap();
        let (sa, sb) = (
            a.format(SQLITE_TS_FORMAT).to_string(),
            b.format(SQLITE_TS_FORMAT).to_string(),
        );
        assert_eq!(sa.len(), sb.len());
        assert!(sa < sb);
        assert_eq!(parse_sqlite_ts(&sb).unwrap(), b);
        assert_eq!(
            parse_sqlite_ts("2030-01-02 03:04:05").unwrap().timestamp(),
            1_893_553_445
        );
    }

    #[test]
    fn now_has_microsecond_precision() {
        let t = now();
        assert_eq!(t.timestamp_subsec_nanos() % 1000, 0);
    }
}
