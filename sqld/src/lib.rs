//! sqld: a MySQL-compatible SQL front-end.
//!
//! Path of a statement: [`server`] accepts a connection → [`protocol`]
//! decodes packets and authenticates → [`session`] dispatches the command →
//! `planner` plans and runs it → `pushdown` reaches the data nodes.

pub mod allocator;
pub mod cluster_config;
pub mod config;
pub mod protocol;
pub mod server;
pub mod session;
