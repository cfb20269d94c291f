//! Real Redis Cluster nodes: addresses, slots, and (later) provisioning and inspection.

pub mod addr;
pub mod slots;
