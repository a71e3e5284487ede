//! Local operators: what sqld finishes after the data nodes answer. One
//! file each, each doing one thing.

pub mod aggregate;
pub mod distinct;
pub mod group_concat;
pub mod key;
pub mod limit;
pub mod sort;
