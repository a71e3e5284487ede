//! What the server offers, as SHOW ENGINES / COLLATION / CHARACTER SET and
//! information_schema's ENGINES / COLLATIONS / CHARACTER_SETS list it.

use pushdown::schema::Collation;

/// The storage engine sqld runs (SHOW ENGINES, default_storage_engine).
pub const ENGINE: &str = "EMBEDDED";
pub const ENGINE_COMMENT: &str =
    "sqld's embedded data node: row locks, READ COMMITTED, durable commits";
/// ENGINE's Transactions / XA / Savepoints columns.
pub const ENGINE_FEATURES: [&str; 3] = ["YES", "NO", "YES"];

/// (name, description, bytes per character).
pub const CHARSETS: &[(&str, &str, u32)] = &[
    ("binary", "Binary pseudo charset", 1),
    ("latin1", "cp1252 West European", 1),
    ("utf8mb3", "UTF-8 Unicode", 3),
    ("utf8mb4", "UTF-8 Unicode", 4),
];

pub const COLLATIONS: &[Collation] = &[
    Collation::Binary,
    Collation::Latin1SwedishCi,
    Collation::Utf8GeneralCi,
    Collation::Utf8Bin,
    Collation::Utf8mb4GeneralCi,
    Collation::Utf8mb4Bin,
    Collation::Utf8mb4_0900AiCi,
];

/// Whether `c` is its character set's default collation.
pub fn is_default(c: Collation) -> bool {
    Collation::default_for_charset(c.charset()) == Some(c)
}
