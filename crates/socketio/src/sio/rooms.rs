//! Rooms: named sets of sockets to broadcast to (one per channel id in agentd).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};

use serde::Serialize;
use uuid::Uuid;

use crate::engine::frame::Frame;
use crate::server::ServerInner;
use crate::sio::socket::{EmitError, Socket};

/// A room name; built from a string or a UUID (a UUID becomes its hyphenated lower-case
/// text, the form elizaOS clients use as channel ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Room(String);

impl Room {
    /// The room's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Room {
    fn from(name: &str) -> Self {
        Room(name.to_owned())
    }
}

impl From<String> for Room {
    fn from(name: String) -> Self {
        Room(name)
    }
}

impl From<&String> for Room {
    fn from(name: &String) -> Self {
        Room(name.clone())
    }
}

impl From<Uuid> for Room {
    fn from(id: Uuid) -> Self {
        Room(id.to_string())
    }
}

impl From<&Uuid> for Room {
    fn from(id: &Uuid) -> Self {
        Room(id.to_string())
    }
}

impl From<&Room> for Room {
    fn from(room: &Room) -> Self {
        room.clone()
    }
}

/// Membership of every room on this instance.
#[derive(Default)]
pub(crate) struct Rooms {
    members: RwLock<HashMap<Room, HashMap<Arc<str>, Socket>>>,
}

impl Rooms {
    /// Adds a socket to a room (idempotent).
    pub(crate) fn join(&self, room: Room, socket: &Socket) {
        let mut members = self.members.write().unwrap_or_else(PoisonError::into_inner);
        members
            .entry(room)
            .or_default()
            .insert(socket.id_arc(), socket.clone());
    }

    /// Removes a socket from a room; an emptied room is forgotten.
    pub(crate) fn leave(&self, room: &Room, socket_id: &str) {
        let mut members = self.members.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(sockets) = members.get_mut(room) {
            sockets.remove(socket_id);
            if sockets.is_empty() {
                members.remove(room);
            }
        }
    }

    /// Calls `f` once for each socket in any of `rooms`, without `except`, under the read
    /// lock: no socket list is built and nothing is allocated for one room (the usual case),
    /// so a broadcast costs no per-socket allocation. `f` must not join or leave rooms.
    pub(crate) fn for_each_in(
        &self,
        rooms: &[Room],
        except: &HashSet<Arc<str>>,
        mut f: impl FnMut(&Socket),
    ) {
        let members = self.members.read().unwrap_or_else(PoisonError::into_inner);
        if let [room] = rooms {
            for (id, socket) in members.get(room).into_iter().flatten() {
                if except.is_empty() || !except.contains(id) {
                    f(socket);
                }
            }
            return;
        }
        let mut seen = HashSet::new();
        for room in rooms {
            for (id, socket) in members.get(room).into_iter().flatten() {
                if !except.contains(id) && seen.insert(id.clone()) {
                    f(socket);
                }
            }
        }
    }

    /// Whether none of `rooms` has a socket other than `except`.
    pub(crate) fn none_in(&self, rooms: &[Room], except: &HashSet<Arc<str>>) -> bool {
        let members = self.members.read().unwrap_or_else(PoisonError::into_inner);
        !rooms.iter().any(|room| {
            members
                .get(room)
                .is_some_and(|sockets| sockets.keys().any(|id| !except.contains(id)))
        })
    }
}

/// A broadcast being addressed: rooms to reach and sockets to skip. Built by
/// [`SocketIoServer::to`](crate::SocketIoServer::to) or [`Socket::to`].
#[must_use = "a broadcast does nothing until emit is called"]
pub struct Broadcast {
    pub(crate) server: Arc<ServerInner>,
    pub(crate) rooms: Vec<Room>,
    pub(crate) except: HashSet<Arc<str>>,
}

impl Broadcast {
    /// Adds another room; a socket in several of the rooms still receives the event once.
    pub fn to(mut self, room: impl Into<Room>) -> Self {
        self.rooms.push(room.into());
        self
    }

    /// Skips a socket, typically the sender.
    pub fn except(mut self, socket_id: &str) -> Self {
        self.except.insert(Arc::from(socket_id));
        self
    }

    /// The sockets the broadcast would reach now.
    pub fn sockets(&self) -> Vec<Socket> {
        let mut out = Vec::new();
        self.for_each(|socket| out.push(socket.clone()));
        out
    }

    /// Whether the broadcast would reach nobody now (cheaper than `sockets().is_empty()`).
    pub fn is_empty(&self) -> bool {
        self.server.rooms.none_in(&self.rooms, &self.except)
    }

    /// Calls `f` for every addressed socket, each once, without building a list; for
    /// per-socket decisions (a delivery cursor, say) around a shared [`Frame`]. `f` runs
    /// under the room table's read lock, so it must not join or leave rooms.
    pub fn for_each(&self, f: impl FnMut(&Socket)) {
        self.server.rooms.for_each_in(&self.rooms, &self.except, f);
    }

    /// Emits `event` with one argument to every addressed socket; the packet is encoded
    /// once and shared by all of them. A socket whose queue is full is disconnected and
    /// skipped, so one slow client never delays the others. Returns how many sockets got
    /// the event.
    pub fn emit<T: Serialize + ?Sized>(&self, event: &str, data: &T) -> Result<usize, EmitError> {
        let frame = Frame::event(event, data).map_err(EmitError::Serialize)?;
        Ok(self.emit_frame(&frame))
    }

    /// Sends an already-encoded packet to every addressed socket; returns how many got it.
    pub fn emit_frame(&self, frame: &Frame) -> usize {
        let mut delivered = 0;
        self.for_each(|socket| {
            if socket.emit_frame(frame).is_ok() {
                delivered += 1;
            }
        });
        delivered
    }
}
