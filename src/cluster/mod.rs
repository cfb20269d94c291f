//! Real Redis Cluster nodes: provisioning, forming, inspecting and tearing down.
//!
//! Nothing here knows about slides or languages; errors carry message ids that the CLI puts
//! into words.

pub mod command;
pub mod conn;
pub mod dataset;
pub mod form;
pub mod guard;
pub mod inspect;
pub mod local;
pub mod parse;
pub mod private;
pub mod probe;
pub mod process;
pub mod provision;
pub mod replicate;
pub mod restore;
pub mod sentinel;
pub mod server;
pub mod setup;
pub mod statedir;
