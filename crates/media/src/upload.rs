//! Streaming an upload to disk: counted, hashed and sniffed while it arrives, written to a temp
//! file in the owner's directory and renamed into place only once it is complete and accepted.
//! Any failure, or dropping the writer unfinished, removes the temp file: nothing partial is
//! ever left on disk.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::MediaError;
use crate::paths::{MediaRoot, Owner, StoredName};
use crate::sniff::{Detected, SNIFF_LEN, classify};

/// A file accepted and stored under a name we generated.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Whose directory it is in.
    pub owner: Owner,
    /// Its generated name.
    pub name: StoredName,
    /// Its type, from the content.
    pub detected: Detected,
    /// Its size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the content (also its ETag).
    pub sha256: String,
    /// Where it is on disk.
    pub path: PathBuf,
}

/// Whether content seen so far is text: UTF-8 without NUL or control bytes (tab, line feed,
/// form feed, carriage return and escape allowed). A character split across chunks is carried.
#[derive(Debug, Default)]
struct TextCheck {
    failed: bool,
    carry: Vec<u8>,
}

impl TextCheck {
    fn feed(&mut self, chunk: &[u8]) {
        if self.failed {
            return;
        }
        if chunk
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | 0x1b)) || b == 0x7f)
        {
            self.failed = true;
            return;
        }
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        match std::str::from_utf8(&data) {
            Ok(_) => {}
            // An incomplete character at the end: keep its bytes for the next chunk.
            Err(e) if e.error_len().is_none() => self.carry = data[e.valid_up_to()..].to_vec(),
            Err(_) => self.failed = true,
        }
    }

    fn is_text(&self) -> bool {
        !self.failed && self.carry.is_empty()
    }
}

/// One upload in progress. Feed it with [`UploadWriter::write`], then [`UploadWriter::finish`].
pub struct UploadWriter {
    root: MediaRoot,
    owner: Owner,
    temp: PathBuf,
    file: Option<tokio::fs::File>,
    max: u64,
    size: u64,
    head: Vec<u8>,
    hasher: Sha256,
    text: TextCheck,
    declared: Option<String>,
    decided: Option<Detected>,
    finished: bool,
}

impl UploadWriter {
    /// Creates the owner's directory if needed and a fresh temp file in it. `declared` is the
    /// client's part type, checked against the content; `max` is the size limit in bytes.
    pub async fn create(
        root: &MediaRoot,
        owner: Owner,
        max: u64,
        declared: Option<&str>,
    ) -> Result<Self, MediaError> {
        tokio::fs::create_dir_all(root.dir(owner)).await?;
        let temp = root.temp_file(owner);
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await?;
        Ok(UploadWriter {
            root: root.clone(),
            owner,
            temp,
            file: Some(file),
            max,
            size: 0,
            head: Vec::with_capacity(SNIFF_LEN),
            hasher: Sha256::new(),
            text: TextCheck::default(),
            declared: declared.map(str::to_owned),
            decided: None,
            finished: false,
        })
    }

    /// Appends a chunk. Fails as soon as the limit is crossed, or as soon as the first bytes
    /// show a type we refuse; the caller then drops the writer, which removes the temp file.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), MediaError> {
        self.size = self.size.saturating_add(chunk.len() as u64);
        if self.size > self.max {
            return Err(MediaError::TooLarge { limit: self.max });
        }
        self.text.feed(chunk);
        if self.head.len() < SNIFF_LEN {
            let take = (SNIFF_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            if self.head.len() == SNIFF_LEN {
                self.decide_early()?;
            }
        }
        self.hasher.update(chunk);
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("upload file already closed"))?;
        file.write_all(chunk).await?;
        Ok(())
    }

    /// Binary content is known from its head; text only once all of it passed the text check.
    fn decide_early(&mut self) -> Result<(), MediaError> {
        let text_so_far = !self.text.failed;
        if infer::get(&self.head).is_some() || !text_so_far {
            self.decided = Some(classify(&self.head, false, self.declared.as_deref())?);
        }
        Ok(())
    }

    /// Checks the complete content and moves it to its generated name.
    pub async fn finish(mut self) -> Result<StoredFile, MediaError> {
        if self.size == 0 {
            return Err(MediaError::Empty);
        }
        let detected = match self.decided {
            Some(d) => d,
            None => classify(&self.head, self.text.is_text(), self.declared.as_deref())?,
        };
        if let Some(mut file) = self.file.take() {
            file.flush().await?;
            file.sync_all().await?;
        }
        let name = StoredName::new(detected);
        let path = self.root.file(self.owner, &name);
        tokio::fs::rename(&self.temp, &path).await?;
        self.finished = true;
        let digest = std::mem::take(&mut self.hasher).finalize();
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        Ok(StoredFile {
            owner: self.owner,
            name,
            detected,
            size: self.size,
            sha256,
            path,
        })
    }
}

impl Drop for UploadWriter {
    fn drop(&mut self) {
        if !self.finished {
            drop(self.file.take());
            // Best effort: the temp name starts with a dot, so a leftover is never served.
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    fn files_in(dir: &std::path::Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn an_accepted_file_is_renamed_to_a_generated_name() {
        let tmp = tempfile::tempdir().unwrap();
        let root = MediaRoot::new(tmp.path());
        let owner = Owner::Agent(Uuid::new_v4());
        let mut w = UploadWriter::create(&root, owner, 1024, Some("image/png"))
            .await
            .unwrap();
        w.write(&PNG[..5]).await.unwrap();
        w.write(&PNG[5..]).await.unwrap();
        let f = w.finish().await.unwrap();
        assert_eq!(f.detected, Detected::Png);
        assert_eq!(f.size, PNG.len() as u64);
        assert_eq!(f.sha256.len(), 64);
        assert_eq!(std::fs::read(&f.path).unwrap(), PNG);
        assert_eq!(files_in(&root.dir(owner)), vec![f.name.to_string()]);
    }

    #[tokio::test]
    async fn over_the_limit_or_refused_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let root = MediaRoot::new(tmp.path());
        let owner = Owner::Channel(Uuid::new_v4());
        let mut w = UploadWriter::create(&root, owner, 10, None).await.unwrap();
        w.write(b"0123456789").await.unwrap();
        assert!(matches!(
            w.write(b"x").await,
            Err(MediaError::TooLarge { limit: 10 })
        ));
        drop(w);
        assert!(files_in(&root.dir(owner)).is_empty());

        let mut w = UploadWriter::create(&root, owner, 1 << 20, None)
            .await
            .unwrap();
        w.write(b"\x7fELF\x02\x01\x01\0").await.unwrap();
        assert!(matches!(w.finish().await, Err(MediaError::Unsupported(_))));
        let w = UploadWriter::create(&root, owner, 10, None).await.unwrap();
        assert!(matches!(w.finish().await, Err(MediaError::Empty)));
        assert!(files_in(&root.dir(owner)).is_empty());
    }

    #[tokio::test]
    async fn binary_heads_are_refused_before_the_body_ends() {
        let tmp = tempfile::tempdir().unwrap();
        let root = MediaRoot::new(tmp.path());
        let owner = Owner::Agent(Uuid::new_v4());
        let mut w = UploadWriter::create(&root, owner, 1 << 20, None)
            .await
            .unwrap();
        let noise: Vec<u8> = (0..SNIFF_LEN).map(|i| (i * 7 % 256) as u8).collect();
        assert!(matches!(
            w.write(&noise).await,
            Err(MediaError::Unsupported(_))
        ));
    }

    #[test]
    fn text_check_carries_split_characters() {
        let mut t = TextCheck::default();
        let s = "héllo 😀".as_bytes();
        for b in s {
            t.feed(std::slice::from_ref(b));
        }
        assert!(t.is_text());
        let mut t = TextCheck::default();
        t.feed(b"a\0b");
        assert!(!t.is_text());
        let mut t = TextCheck::default();
        t.feed(b"ok \xC3");
        assert!(!t.is_text(), "a truncated character at the end is not text");
    }
}
