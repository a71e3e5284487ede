//! SQL text → statement → plan → rows.
//!
//! - [`parse`]: sqlparser with the MySQL dialect; syntax errors become 1064.
//! - [`bind`]: names resolved against the catalog, SQL expressions turned
//!   into [`pushdown::expr::Expr`] with MySQL typing and collations.
//! - [`plan`]: the fast path for one-table OLTP shapes (point get, IN batch,
//!   range scan, pushed filter, then local aggregate / DISTINCT / ORDER BY /
//!   LIMIT), and DML/DDL plans. Prepared statements keep their plan.
//! - [`exec`]: runs a plan against the cluster inside the session's
//!   transaction; [`ops`]: the local operators it finishes with.
//! - [`ddl`]: CREATE / ALTER / DROP into [`pushdown::schema::DdlOp`].
//! - [`explain`]: plans printed as rows.
//! - [`infoschema`]: information_schema's views, made from the catalog.

pub mod context;
pub mod result;

pub use context::{Grantee, NoServer, Process, ServerState, SessionCtx, VarStore};
pub use result::{ColumnMeta, QueryResult};
pub mod bind;
pub mod ddl;
pub mod exec;
pub mod explain;
pub mod infoschema;
pub mod ops;
pub mod parse;
pub mod plan;
pub mod planner;

pub use planner::{Planner, Prepared};
