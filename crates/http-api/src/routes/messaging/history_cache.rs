//! Rendered newest pages of channel history, served again while still current.
//!
//! The newest page (`GET /channels/:id/messages` without a cursor) is what every client
//! asks for on opening a channel and what pollers ask for over and over. Rendering it reads
//! and decodes every row and its delivery states and serialises tens of kilobytes of JSON;
//! with the elizaOS web UI on a busy channel that is most of the server's work (see
//! docs/BENCHMARKS.md). A page is keyed by channel and page size and stored with the
//! channel's revision (`ChannelStore::channel_revision`), which database triggers move on
//! every committed change to the channel's messages or delivery states, from any instance.
//! A request reads the revision first (one primary-key lookup) and is served from here only
//! if the page was rendered at that same revision; otherwise it renders and replaces it.
//!
//! Reading the revision before rendering keeps this safe under concurrent writes: a page
//! rendered after a write it may or may not have seen is stored under the revision from
//! before the write, which no longer matches once the write has committed.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use actix_web::web::Bytes;
use uuid::Uuid;

/// The memory the cache may hold, in bytes of rendered pages.
pub const MAX_BYTES: usize = 32 << 20;
/// Pages larger than this are never cached (a page of 200 very long messages).
pub const MAX_PAGE_BYTES: usize = 2 << 20;

/// The cache, shared by every worker (one per core: the lock is rarely contended, and is
/// held only to look up or swap an `Arc`-backed `Bytes`).
#[derive(Default)]
pub struct HistoryCache {
    inner: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<(Uuid, i64), Page>,
    bytes: usize,
}

struct Page {
    revision: i64,
    body: Bytes,
}

impl HistoryCache {
    /// The body of the page of `limit` messages of `channel`, if it was rendered at
    /// `revision`.
    pub fn get(&self, channel: Uuid, limit: i64, revision: i64) -> Option<Bytes> {
        let pages = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        pages
            .by_key
            .get(&(channel, limit))
            .filter(|p| p.revision == revision)
            .map(|p| p.body.clone())
    }

    /// Stores `body` as the page of `limit` messages of `channel` at `revision`, replacing
    /// an older one; evicts other pages while over [`MAX_BYTES`].
    pub fn put(&self, channel: Uuid, limit: i64, revision: i64, body: Bytes) {
        if body.len() > MAX_PAGE_BYTES {
            return;
        }
        let mut pages = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let added = body.len();
        if let Some(old) = pages
            .by_key
            .insert((channel, limit), Page { revision, body })
        {
            pages.bytes -= old.body.len();
        }
        pages.bytes += added;
        while pages.bytes > MAX_BYTES {
            // Any other page: which one matters little, and this needs no bookkeeping.
            let Some(&key) = pages.by_key.keys().find(|k| **k != (channel, limit)) else {
                break;
            };
            if let Some(evicted) = pages.by_key.remove(&key) {
                pages.bytes -= evicted.body.len();
            }
        }
    }

    /// The bytes held, for tests and metrics.
    pub fn bytes(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_only_at_its_revision() {
        let cache = HistoryCache::default();
        let c = Uuid::new_v4();
        assert_eq!(cache.get(c, 50, 1), None);
        cache.put(c, 50, 1, Bytes::from_static(b"one"));
        assert_eq!(cache.get(c, 50, 1).as_deref(), Some(&b"one"[..]));
        assert_eq!(cache.get(c, 50, 2), None, "a newer revision");
        assert_eq!(cache.get(c, 20, 1), None, "another page size");
        assert_eq!(cache.get(Uuid::new_v4(), 50, 1), None, "another channel");
        cache.put(c, 50, 2, Bytes::from_static(b"two"));
        assert_eq!(cache.get(c, 50, 1), None, "replaced");
        assert_eq!(cache.bytes(), 3);
    }

    #[test]
    fn memory_stays_within_the_budget() {
        let cache = HistoryCache::default();
        let page = Bytes::from(vec![b'x'; MAX_PAGE_BYTES]);
        for i in 0..(2 * MAX_BYTES / MAX_PAGE_BYTES) {
            cache.put(Uuid::new_v4(), 50, i as i64, page.clone());
            assert!(cache.bytes() <= MAX_BYTES);
        }
        let last = Uuid::new_v4();
        cache.put(last, 50, 0, page.clone());
        assert!(cache.get(last, 50, 0).is_some(), "the newest page is kept");
        cache.put(last, 10, 0, Bytes::from(vec![b'x'; MAX_PAGE_BYTES + 1]));
        assert_eq!(cache.get(last, 10, 0), None, "too large to cache");
    }
}
