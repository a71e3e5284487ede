//! Sessions: the state of one client connection (user, database, variables,
//! transaction, prepared statements) and the statements that act on it.
