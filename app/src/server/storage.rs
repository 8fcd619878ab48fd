//! Attachment bytes in the object store: streamed in under a size limit, streamed out, deleted.
//! An upload that fails or runs over leaves nothing behind.
use crate::error::AppError;
use object_store::{ObjectStore, ObjectStoreExt, buffered::BufWriter, path::Path};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// Parts of this size go to S3 as a multipart upload; a smaller file is one plain put.
const PART_BYTES: usize = 5 * 1024 * 1024;

/// Logs a storage failure and hands the caller only a request id.
pub fn storage_error(err: impl std::fmt::Display) -> AppError {
    AppError::internal("attachment storage", err)
}

/// One object being written, chunk by chunk, never held whole in memory.
pub struct Upload {
    writer: BufWriter,
    written: u64,
    limit: u64,
}

impl Upload {
    /// Starts writing `key`; at most `limit` bytes will be accepted.
    pub fn start(store: Arc<dyn ObjectStore>, key: &str, limit: u64) -> Upload {
        Upload { writer: BufWriter::with_capacity(store, Path::from(key), PART_BYTES), written: 0, limit }
    }

    /// Appends a chunk; one byte over the limit is [`AppError::TooLarge`].
    pub async fn write(&mut self, chunk: bytes::Bytes) -> Result<(), AppError> {
        self.written += chunk.len() as u64;
        if self.written > self.limit {
            return Err(AppError::TooLarge { limit_bytes: self.limit });
        }
        self.writer.put(chunk).await.map_err(storage_error)
    }

    /// Completes the object and returns its size.
    pub async fn finish(mut self) -> Result<u64, AppError> {
        self.writer.shutdown().await.map_err(storage_error)?;
        Ok(self.written)
    }

    /// Abandons the object: nothing of it remains (a pending multipart upload is aborted).
    pub async fn abort(mut self) {
        if let Err(err) = self.writer.abort().await {
            tracing::warn!(error = %err, "aborting an attachment upload");
        }
    }
}

/// Deletes an object; one that is already gone is fine, other failures are logged (the
/// record is gone either way, so the bytes are unreachable).
pub async fn delete(store: &dyn ObjectStore, key: &str) {
    match store.delete(&Path::from(key)).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
        Err(err) => tracing::warn!(error = %err, key, "deleting an attachment's bytes"),
    }
}
