//! Command-line options, in mysqld's words.
