//! History paging stays flat: a page deep in a long channel costs about what the newest page
//! costs, for seq cursors and for time cursors (`before`/`after`, as the elizaOS UI and the
//! sessions API page). The channel is filled with one bulk INSERT; the cost of each page kind
//! is compared with the newest page's, measured interleaved so load on the machine slows both
//! alike. Without the (channel_id, created_at, seq) index and the time-ordered read, a middle
//! `before` page scans half the channel (ratio in the hundreds).

use std::time::{Duration, Instant};

use crate::{channel, contract};
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::{Backend, MessagePage};
use chrono::{DateTime, Utc};
use uuid::Uuid;

const N: i64 = 40_000;
/// The first message's creation time; message `seq` was created `seq` ms later.
const T0_MS: i64 = 1_790_000_000_000;

/// Bulk-fills `channel` with messages 1..=N, created 1 ms apart.
async fn fill(t: &TestDb, channel: Uuid) {
    let author = Uuid::new_v4();
    let sql = match t.backend() {
        Backend::Sqlite => format!(
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {N})
             INSERT INTO central_messages (id, channel_id, seq, author_id, content, created_at, updated_at)
             SELECT printf('00000001-0000-4000-8000-%012x', n), '{channel}', n, '{author}', 'm' || n, ts, ts
             FROM (SELECT n, strftime('%Y-%m-%dT%H:%M:%f', ({T0_MS} + n) / 1000.0, 'unixepoch') || '000Z' AS ts FROM s);
             UPDATE channels SET last_seq = {N} WHERE id = '{channel}';"
        ),
        Backend::Postgres => format!(
            "INSERT INTO central_messages (id, channel_id, seq, author_id, content, created_at, updated_at)
             SELECT ('00000001-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, '{channel}', n,
                    '{author}', 'm' || n, to_timestamp(({T0_MS} + n) / 1000.0), to_timestamp(({T0_MS} + n) / 1000.0)
             FROM generate_series(1, {N}) AS n;
             UPDATE channels SET last_seq = {N} WHERE id = '{channel}';
             ANALYZE central_messages;"
        ),
    };
    t.exec(&sql).await;
}

fn at(seq: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(T0_MS + seq)
}

/// Median time of one page read.
async fn time_page(t: &TestDb, page: &MessagePage, seqs: &[i64]) -> Duration {
    let start = Instant::now();
    let got = t.list_messages(page).await.unwrap();
    let took = start.elapsed();
    assert_eq!(got.iter().map(|m| m.seq).collect::<Vec<_>>(), seqs);
    took
}

async fn deep_pages_cost_what_the_newest_costs(t: &TestDb) {
    let c = channel(t).await.id;
    fill(t, c).await;
    let mid = N / 2;
    let latest = MessagePage::latest(c, 50);
    let cases = [
        (
            "before (time)",
            MessagePage {
                before: at(mid),
                ..latest
            },
            (mid - 50..mid).rev().collect::<Vec<_>>(),
        ),
        (
            "after (time)",
            MessagePage {
                after: at(mid),
                ..latest
            },
            (mid + 1..=mid + 50).rev().collect(),
        ),
        (
            "before_seq",
            MessagePage {
                before_seq: Some(mid),
                ..latest
            },
            (mid - 50..mid).rev().collect(),
        ),
    ];
    let newest: Vec<i64> = (N - 49..=N).rev().collect();
    for (name, page, seqs) in &cases {
        let (mut base, mut deep) = (Vec::new(), Vec::new());
        for _ in 0..9 {
            base.push(time_page(t, &latest, &newest).await);
            deep.push(time_page(t, page, seqs).await);
        }
        base.sort();
        deep.sort();
        let ratio = deep[4].as_secs_f64() / base[4].as_secs_f64();
        assert!(
            ratio < 5.0,
            "{name}: a middle page took {:?}, the newest {:?} ({ratio:.1}x)",
            deep[4],
            base[4]
        );
    }
}
contract!(deep_pages_cost_what_the_newest_costs);
