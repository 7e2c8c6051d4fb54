//! Upload metadata: what was stored where, for serving and cleanup.

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::uploads;
use crate::types::{Id, Ts};
use crate::{Db, StorageError};
use agentd_core::model::Upload;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Upload operations.
pub trait UploadStore {
    /// Stores an upload's metadata; `Duplicate(Upload)` if the id or stored name is taken, `MissingReference` if the
    /// agent or channel is missing.
    fn create_upload(
        &self,
        upload: &Upload,
    ) -> impl Future<Output = Result<Upload, StorageError>> + Send;
    /// The upload with this id, or `NotFound`.
    fn get_upload(&self, id: Uuid) -> impl Future<Output = Result<Upload, StorageError>> + Send;
    /// The upload stored under this file name, or `NotFound`.
    fn get_upload_by_stored_name(
        &self,
        stored_name: &str,
    ) -> impl Future<Output = Result<Upload, StorageError>> + Send;
    /// Deletes an upload's metadata (the caller removes the file); `NotFound` if absent.
    fn delete_upload(&self, id: Uuid) -> impl Future<Output = Result<(), StorageError>> + Send;
}

/// One `uploads` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = uploads)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct UploadRow {
    id: Id,
    agent_id: Option<Id>,
    channel_id: Option<Id>,
    stored_name: String,
    original_name: String,
    mime: String,
    size: i64,
    sha256: String,
    created_at: Ts,
}

impl From<&Upload> for UploadRow {
    fn from(u: &Upload) -> Self {
        UploadRow {
            id: Id(u.id),
            agent_id: u.agent_id.map(Id),
            channel_id: u.channel_id.map(Id),
            stored_name: u.stored_name.clone(),
            original_name: u.original_name.clone(),
            mime: u.mime.clone(),
            size: u.size,
            sha256: u.sha256.clone(),
            created_at: Ts(u.created_at),
        }
    }
}

impl From<UploadRow> for Upload {
    fn from(r: UploadRow) -> Self {
        Upload {
            id: r.id.0,
            agent_id: r.agent_id.map(|i| i.0),
            channel_id: r.channel_id.map(|i| i.0),
            stored_name: r.stored_name,
            original_name: r.original_name,
            mime: r.mime,
            size: r.size,
            sha256: r.sha256,
            created_at: r.created_at.0,
        }
    }
}

impl UploadStore for Db {
    async fn create_upload(&self, upload: &Upload) -> Result<Upload, StorageError> {
        let row = UploadRow::from(upload);
        with_write_conn!(self, |c| {
            let r: UploadRow = diesel::insert_into(uploads::table)
                .values(&row)
                .returning(UploadRow::as_returning())
                .get_result(c)
                .await
                .map_err(|e| StorageError::from(e).naming(Record::Upload, Record::Row))?;
            Ok(r.into())
        })
    }

    async fn get_upload(&self, id: Uuid) -> Result<Upload, StorageError> {
        with_conn!(self, |c| {
            let r: UploadRow = uploads::table
                .find(Id(id))
                .select(UploadRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Upload)?;
            Ok(r.into())
        })
    }

    async fn get_upload_by_stored_name(&self, stored_name: &str) -> Result<Upload, StorageError> {
        with_conn!(self, |c| {
            let r: UploadRow = uploads::table
                .filter(uploads::stored_name.eq(stored_name))
                .select(UploadRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Upload)?;
            Ok(r.into())
        })
    }

    async fn delete_upload(&self, id: Uuid) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(uploads::table.find(Id(id)))
                .execute(c)
                .await?;
            if n == 0 {
                return Err(StorageError::NotFound(Record::Upload));
            }
            Ok(())
        })
    }
}
