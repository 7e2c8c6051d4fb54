//! The Socket.IO v5 layer: packets, sockets, rooms and the application interface.

pub(crate) mod app;
pub(crate) mod packet;
pub(crate) mod rooms;
pub(crate) mod socket;
