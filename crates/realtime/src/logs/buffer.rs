//! The bounded ring of recent log records, and the live feed of new ones.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use tokio::sync::broadcast;

/// Records kept when nothing else is configured.
pub const DEFAULT_LOG_CAPACITY: usize = 1000;
/// Records a slow live-feed reader may fall behind by before it skips some.
const FEED_CAPACITY: usize = 1024;

/// One log line as the UI sees it: the wire shape itself, so the buffer, the `log_stream`
/// payload and `GET /api/server/logs` share one struct.
pub type LogRecord = agentd_wire::system::logs::LogEntry;

/// The ring buffer plus a broadcast of each new record. Cheap to clone; all clones share
/// the same records. Memory is bounded by the capacity.
#[derive(Debug, Clone)]
pub struct LogBuffer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    records: Mutex<VecDeque<LogRecord>>,
    capacity: AtomicUsize,
    feed: broadcast::Sender<LogRecord>,
}

impl LogBuffer {
    /// A buffer keeping the last `capacity` records (at least 1).
    pub fn new(capacity: usize) -> Self {
        let (feed, _) = broadcast::channel(FEED_CAPACITY);
        LogBuffer {
            inner: Arc::new(Inner {
                records: Mutex::new(VecDeque::new()),
                capacity: AtomicUsize::new(capacity.max(1)),
                feed,
            }),
        }
    }

    /// The process's buffer: the tracing subscriber is process-wide, so the buffer it
    /// fills is too. The server state and the layer installed by telemetry share it.
    pub fn global() -> &'static LogBuffer {
        static GLOBAL: OnceLock<LogBuffer> = OnceLock::new();
        GLOBAL.get_or_init(|| LogBuffer::new(DEFAULT_LOG_CAPACITY))
    }

    /// Changes how many records are kept; the oldest go first.
    pub fn set_capacity(&self, capacity: usize) {
        self.inner
            .capacity
            .store(capacity.max(1), Ordering::Relaxed);
        let mut records = self.lock();
        while records.len() > capacity.max(1) {
            records.pop_front();
        }
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<LogRecord>> {
        self.inner
            .records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends a record (dropping the oldest when full) and feeds live subscribers.
    pub fn push(&self, record: LogRecord) {
        {
            let mut records = self.lock();
            let capacity = self.inner.capacity.load(Ordering::Relaxed);
            while records.len() >= capacity {
                records.pop_front();
            }
            records.push_back(record.clone());
        }
        let _ = self.inner.feed.send(record);
    }

    /// The records kept, oldest first.
    pub fn snapshot(&self) -> Vec<LogRecord> {
        self.lock().iter().cloned().collect()
    }

    /// Forgets every kept record.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// A live feed of the records pushed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LogRecord> {
        self.inner.feed.subscribe()
    }
}
