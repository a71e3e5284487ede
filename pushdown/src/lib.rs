//! Everything below the plan: the request types the planner emits, MySQL value
//! semantics shared by every data node, the partition map, and the data-node
//! clients (the embedded engine, and MySQL-protocol node groups in [`remote`]).
//!
//! Path of a request: the planner builds a [`request::Read`] or
//! [`request::Write`], hands it to a [`cluster::ClusterTxn`], which splits it per
//! node group ([`partition`]) and sends each part to that group's
//! [`node::NodeTxn`].

pub mod catalog_change;
pub mod cluster;
pub mod embedded;
pub mod error;
pub mod eval;
pub mod expr;
pub mod meta;
pub mod node;
pub mod partition;
pub mod privilege;
pub mod remote;
pub mod request;
pub mod schema;
pub mod value;

pub use error::{SqlError, SqlResult};
pub use value::{Row, Value};
