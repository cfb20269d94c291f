//! The shared vocabulary: node addresses and the lab's names for nodes, roles, slot sets, the
//! topology and its layouts, the state snapshot and what is wrong in it, the sample data and
//! set-up states. Every layer speaks these types; this module imports none of them.

pub mod addr;
pub mod commands;
pub mod consistency;
pub mod dataset;
pub mod health;
pub mod node;
pub mod reply;
pub mod setup;
pub mod slots;
pub mod state;
pub mod topology;

pub use addr::NodeAddr;
pub use node::{NodeRef, Role};
pub use slots::{SlotRange, SlotSet};
pub use state::{ClusterState, NodeState};
pub use topology::{Layout, LayoutKind, Topology};
