//! Test harness: starts sqld and real servers on loopback.
