//! Gap detection: the bus may drop events, storage never does; a subscriber keeps the last
//! `seq` it saw per channel and asks storage for whatever falls between.

use std::collections::HashMap;
use uuid::Uuid;

/// Messages a subscriber missed in one channel: `seq` in `from..=to`, to re-read from storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// The channel.
    pub channel_id: Uuid,
    /// First missing seq.
    pub from: i64,
    /// Last missing seq.
    pub to: i64,
}

/// The last seq seen per channel, for subscribers that must not miss a message.
#[derive(Debug, Clone, Default)]
pub struct SeqTracker {
    last: HashMap<Uuid, i64>,
}

impl SeqTracker {
    /// An empty tracker: the first seq seen in a channel is taken as the starting point.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a channel at `seq` (for example the channel's `last_seq` read at subscribe time).
    pub fn start(&mut self, channel_id: Uuid, seq: i64) {
        self.last.insert(channel_id, seq);
    }

    /// The last seq seen in a channel.
    pub fn last(&self, channel_id: Uuid) -> Option<i64> {
        self.last.get(&channel_id).copied()
    }

    /// Records `seq`; returns the gap before it, if any. Old or repeated seqs (a duplicate
    /// delivery) are ignored and return `None`.
    pub fn observe(&mut self, channel_id: Uuid, seq: i64) -> Option<Gap> {
        let prev = self.last.get(&channel_id).copied();
        match prev {
            Some(p) if seq <= p => None,
            Some(p) => {
                self.last.insert(channel_id, seq);
                (seq > p + 1).then_some(Gap {
                    channel_id,
                    from: p + 1,
                    to: seq - 1,
                })
            }
            None => {
                self.last.insert(channel_id, seq);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_reported_once_and_duplicates_ignored() {
        let c = Uuid::new_v4();
        let mut t = SeqTracker::new();
        t.start(c, 3);
        assert_eq!(t.observe(c, 4), None);
        assert_eq!(
            t.observe(c, 8),
            Some(Gap {
                channel_id: c,
                from: 5,
                to: 7
            })
        );
        assert_eq!(t.observe(c, 8), None);
        assert_eq!(t.observe(c, 6), None);
        assert_eq!(t.last(c), Some(8));
        let d = Uuid::new_v4();
        assert_eq!(t.observe(d, 10), None);
        assert_eq!(t.last(d), Some(10));
    }
}
