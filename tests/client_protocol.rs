//! mysql_async against the server: both protocols (text and binary), every
//! column type round-tripped through a table, errors by code and SQLSTATE,
//! transactions, users and privileges, connection-level commands, and the
//! affected-row / insert-id counts drivers rely on.
//!
//! Each test starts its own server (`SQLD_TEST_TARGET` picks sqld or MariaDB).

//! The tests are grouped by topic in `client_protocol/`.

#[path = "client_protocol/collations.rs"]
mod collations;
#[path = "client_protocol/common.rs"]
mod common;
#[path = "client_protocol/errors.rs"]
mod errors;
#[path = "client_protocol/information_schema.rs"]
mod information_schema;
#[path = "client_protocol/privileges.rs"]
mod privileges;
#[path = "client_protocol/queries.rs"]
mod queries;
#[path = "client_protocol/result_types.rs"]
mod result_types;
#[path = "client_protocol/schema_changes.rs"]
mod schema_changes;
#[path = "client_protocol/session.rs"]
mod session;
#[path = "client_protocol/sql_prepare.rs"]
mod sql_prepare;
#[path = "client_protocol/statements.rs"]
mod statements;
#[path = "client_protocol/transactions.rs"]
mod transactions;
#[path = "client_protocol/types.rs"]
mod types;
#[path = "client_protocol/users.rs"]
mod users;
