//! MySQL privileges: the set a grant holds and a statement needs.
//!
//! One bit per privilege, in the order MariaDB lists them in SHOW GRANTS.
//! Each privilege has the narrowest level it can be granted at: table
//! privileges may also be granted on a database or globally, database
//! privileges (EXECUTE, LOCK TABLES, ...) on a database or globally, and
//! global ones (PROCESS, SUPER, CREATE USER, ...) only on `*.*`.

use serde::{Deserialize, Serialize};

/// Where a grant applies: `*.*`, `db.*` or `db.table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Global,
    Database,
    Table,
}

impl Level {
    /// The level of `*.*` (no database), `db.*` (no table) or `db.table`.
    pub fn of(db: Option<&str>, table: Option<&str>) -> Level {
        match (db, table) {
            (None, _) => Level::Global,
            (Some(_), None) => Level::Database,
            (Some(_), Some(_)) => Level::Table,
        }
    }
}

/// A set of privileges (stored as its bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Privileges(u64);

/// Every privilege: its name (as SHOW GRANTS prints it) and the narrowest
/// level it may be granted at. Bit i is `PRIVILEGES[i]`.
const PRIVILEGES: [(&str, Level); 38] = [
    ("SELECT", Level::Table),
    ("INSERT", Level::Table),
    ("UPDATE", Level::Table),
    ("DELETE", Level::Table),
    ("CREATE", Level::Table),
    ("DROP", Level::Table),
    ("RELOAD", Level::Global),
    ("SHUTDOWN", Level::Global),
    ("PROCESS", Level::Global),
    ("FILE", Level::Global),
    ("REFERENCES", Level::Table),
    ("INDEX", Level::Table),
    ("ALTER", Level::Table),
    ("SHOW DATABASES", Level::Global),
    ("SUPER", Level::Global),
    ("CREATE TEMPORARY TABLES", Level::Database),
    ("LOCK TABLES", Level::Database),
    ("EXECUTE", Level::Database),
    ("REPLICATION SLAVE", Level::Global),
    ("BINLOG MONITOR", Level::Global),
    ("CREATE VIEW", Level::Table),
    ("SHOW VIEW", Level::Table),
    ("CREATE ROUTINE", Level::Database),
    ("ALTER ROUTINE", Level::Database),
    ("CREATE USER", Level::Global),
    ("EVENT", Level::Database),
    ("TRIGGER", Level::Table),
    ("CREATE TABLESPACE", Level::Global),
    ("DELETE HISTORY", Level::Table),
    ("SET USER", Level::Global),
    ("FEDERATED ADMIN", Level::Global),
    ("CONNECTION ADMIN", Level::Global),
    ("READ_ONLY ADMIN", Level::Global),
    ("REPLICATION SLAVE ADMIN", Level::Global),
    ("REPLICATION MASTER ADMIN", Level::Global),
    ("BINLOG ADMIN", Level::Global),
    ("BINLOG REPLAY", Level::Global),
    ("SLAVE MONITOR", Level::Global),
];

/// Other names MariaDB accepts for a privilege.
const ALIASES: [(&str, &str); 4] = [
    ("REPLICATION CLIENT", "BINLOG MONITOR"),
    ("REPLICA MONITOR", "SLAVE MONITOR"),
    ("REPLICATION REPLICA", "REPLICATION SLAVE"),
    ("REPLICATION REPLICA ADMIN", "REPLICATION SLAVE ADMIN"),
];

const fn bit(name: &str) -> Privileges {
    let mut i = 0;
    while i < PRIVILEGES.len() {
        if eq(PRIVILEGES[i].0.as_bytes(), name.as_bytes()) {
            return Privileges(1 << i);
        }
        i += 1;
    }
    panic!("unknown privilege")
}

const fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl Privileges {
    pub const NONE: Privileges = Privileges(0);
    pub const SELECT: Privileges = bit("SELECT");
    pub const INSERT: Privileges = bit("INSERT");
    pub const UPDATE: Privileges = bit("UPDATE");
    pub const DELETE: Privileges = bit("DELETE");
    pub const CREATE: Privileges = bit("CREATE");
    pub const DROP: Privileges = bit("DROP");
    pub const RELOAD: Privileges = bit("RELOAD");
    pub const SHUTDOWN: Privileges = bit("SHUTDOWN");
    pub const PROCESS: Privileges = bit("PROCESS");
    pub const INDEX: Privileges = bit("INDEX");
    pub const ALTER: Privileges = bit("ALTER");
    pub const SHOW_DATABASES: Privileges = bit("SHOW DATABASES");
    pub const SUPER: Privileges = bit("SUPER");
    pub const CREATE_USER: Privileges = bit("CREATE USER");
    pub const CONNECTION_ADMIN: Privileges = bit("CONNECTION ADMIN");

    /// ALL PRIVILEGES at `level`: every privilege that may be granted there.
    pub fn all_at(level: Level) -> Privileges {
        let mut p = Privileges::NONE;
        for (i, (_, narrowest)) in PRIVILEGES.iter().enumerate() {
            if *narrowest >= level {
                p.0 |= 1 << i;
            }
        }
        p
    }

    /// Every privilege (ALL PRIVILEGES ON *.*).
    pub fn all() -> Privileges {
        Privileges::all_at(Level::Global)
    }

    /// The privilege named by `words` (upper case, one space apart), if
    /// any: `CREATE TEMPORARY TABLES`, `REPLICATION CLIENT`, ...
    pub fn by_name(words: &str) -> Option<Privileges> {
        let name = ALIASES
            .iter()
            .find(|(alias, _)| *alias == words)
            .map_or(words, |(_, name)| name);
        PRIVILEGES
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| Privileges(1 << i))
    }

    /// Names of privileges that can start with `word` (the parser reads
    /// multi-word names greedily).
    pub fn names_starting(word: &str) -> impl Iterator<Item = &'static str> + '_ {
        PRIVILEGES
            .iter()
            .map(|(n, _)| *n)
            .chain(ALIASES.iter().map(|(a, _)| *a))
            .filter(move |n| n.split(' ').next() == Some(word))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn contains(self, other: Privileges) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn intersects(self, other: Privileges) -> bool {
        self.0 & other.0 != 0
    }
    pub fn union(self, other: Privileges) -> Privileges {
        Privileges(self.0 | other.0)
    }
    pub fn minus(self, other: Privileges) -> Privileges {
        Privileges(self.0 & !other.0)
    }

    /// Whether every privilege in the set may be granted at `level`.
    pub fn grantable_at(self, level: Level) -> bool {
        self.minus(Privileges::all_at(level)).is_empty()
    }

    /// The privileges one by one, in SHOW GRANTS order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        PRIVILEGES
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, (n, _))| *n)
    }

    /// As SHOW GRANTS prints the set at `level`: `ALL PRIVILEGES` when it
    /// holds everything grantable there, `USAGE` when empty, else the names.
    pub fn describe(self, level: Level) -> String {
        if self.is_empty() {
            "USAGE".to_string()
        } else if self.contains(Privileges::all_at(level)) {
            "ALL PRIVILEGES".to_string()
        } else {
            self.names().collect::<Vec<_>>().join(", ")
        }
    }
}

impl std::ops::BitOr for Privileges {
    type Output = Privileges;
    fn bitor(self, rhs: Privileges) -> Privileges {
        self.union(rhs)
    }
}

impl std::ops::BitOrAssign for Privileges {
    fn bitor_assign(&mut self, rhs: Privileges) {
        *self = self.union(rhs);
    }
}

/// What a statement needs on one table (or on a database, for CREATE /
/// DROP DATABASE, where the table name is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    pub privileges: Privileges,
    /// A column the statement reads besides writing (UPDATE ... WHERE c,
    /// SET a = c, DELETE ... ORDER BY c): it needs SELECT too, and MySQL
    /// names the first such column when SELECT is missing (1143).
    pub reads_column: Option<String>,
}

impl Needs {
    pub fn of(privileges: Privileges) -> Needs {
        Needs {
            privileges,
            reads_column: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_names() {
        let db = Privileges::all_at(Level::Database);
        let table = Privileges::all_at(Level::Table);
        assert!(db.contains(table) && Privileges::all().contains(db));
        assert!(!table.intersects(Privileges::PROCESS | Privileges::by_name("EXECUTE").unwrap()));
        assert!(db.contains(Privileges::by_name("EXECUTE").unwrap()));
        assert_eq!(
            Privileges::by_name("REPLICATION CLIENT"),
            Privileges::by_name("BINLOG MONITOR")
        );
        assert_eq!(Privileges::by_name("SELEC"), None);
        let p = Privileges::INSERT | Privileges::SELECT | Privileges::SUPER;
        assert_eq!(p.describe(Level::Global), "SELECT, INSERT, SUPER");
        assert_eq!(table.describe(Level::Table), "ALL PRIVILEGES");
        assert_eq!(
            table.describe(Level::Database),
            table.names().collect::<Vec<_>>().join(", ")
        );
        assert_eq!(Privileges::NONE.describe(Level::Global), "USAGE");
        assert!(!p.grantable_at(Level::Database));
        assert!((Privileges::SELECT | Privileges::DROP).grantable_at(Level::Table));
        assert_eq!(
            Privileges::names_starting("CREATE").count(),
            6,
            "CREATE, CREATE TEMPORARY TABLES, CREATE VIEW, CREATE ROUTINE, CREATE USER, CREATE TABLESPACE"
        );
    }

    #[test]
    fn stored_as_a_number() {
        let p = Privileges::SELECT | Privileges::DELETE;
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "9");
        assert_eq!(serde_json::from_str::<Privileges>(&json).unwrap(), p);
    }
}
