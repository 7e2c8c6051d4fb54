//! The Engine.IO v4 layer: packets, sessions and the two transports.

pub(crate) mod frame;
pub(crate) mod packet;
pub(crate) mod polling;
pub(crate) mod session;
pub(crate) mod websocket;
