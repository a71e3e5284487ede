//! Running statements on one data-node connection. Every failure goes
//! through [`super::error::classify`]: a server error leaves the connection
//! usable, anything else marks it broken so the pool never reuses it.

use super::error::{classify, not_responding, NodeLabel};
use super::fx_hash::BuildFx;
use super::pool::{NodeConn, Probe};
use super::render::Sql;
use super::wire::{Prepared, WireError};
use crate::error::{SqlResult, SqlWarning, WarningLevel};
use mysql_common::Value as My;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use tokio::time::{Instant, Sleep};

/// What the OK packet of a write said.
#[derive(Debug, Default, Clone)]
pub struct OkPacket {
    pub affected: u64,
    pub warnings: u16,
    pub info: String,
}

/// A statement returning rows: its text and parameters, and for the read
/// shapes a node caches, their id, under which each connection keeps the
/// statement it prepared (no parsing of the text, no lookup by text).
#[derive(Debug, Clone, Copy)]
pub struct Stmt<'a> {
    pub id: Option<u64>,
    pub text: &'a str,
    pub params: &'a [My],
}

/// The statements prepared on one connection: read shapes by id, other
/// statements (writes, catalog queries) by text. Bounded by
/// [`super::pool::STMT_CACHE`]: when full, all are closed and it starts
/// over (an OLTP workload uses a few dozen statements).
#[derive(Default)]
pub struct StmtCache {
    by_id: HashMap<u64, Prepared, BuildFx>,
    by_text: HashMap<String, Prepared>,
}

impl StmtCache {
    fn get(&self, stmt: &Stmt<'_>) -> Option<Prepared> {
        match stmt.id {
            Some(id) => self.by_id.get(&id).copied(),
            None => self.by_text.get(stmt.text).copied(),
        }
    }

    /// Remembers `p`; returns the ids to close to stay within the bound.
    fn insert(&mut self, stmt: &Stmt<'_>, p: Prepared) -> Vec<u32> {
        let mut evicted = Vec::new();
        if self.by_id.len() + self.by_text.len() >= super::pool::STMT_CACHE {
            evicted.extend(self.by_id.drain().map(|(_, p)| p.id));
            evicted.extend(self.by_text.drain().map(|(_, p)| p.id));
        }
        match stmt.id {
            Some(id) => self.by_id.insert(id, p),
            None => self.by_text.insert(stmt.text.to_string(), p),
        };
        evicted
    }
}

/// The node stopped answering during a statement.
struct Hung;

/// Runs a statement; each time it has run for half the connect timeout
/// without any statement on the node finishing meanwhile, checks that the
/// node still answers a new connection, and gives up if not (so a stopped
/// node fails a statement within 1.5 connect timeouts).
///
/// `watchdog` is the connection's one timer, moved forward for every
/// statement: pushing a registered timer's deadline later is an atomic
/// store, where a timer per statement is a timer-wheel insertion and
/// removal each time.
async fn watched<T>(
    probe: &Probe,
    watchdog: &mut Pin<Box<Sleep>>,
    statement: impl Future<Output = Result<T, WireError>>,
) -> Result<Result<T, WireError>, Hung> {
    tokio::pin!(statement);
    let interval = probe.timeout / 2;
    loop {
        watchdog.as_mut().reset(Instant::now() + interval);
        let finished = std::future::poll_fn(|cx| {
            if let Poll::Ready(r) = statement.as_mut().poll(cx) {
                return Poll::Ready(Some(r));
            }
            watchdog.as_mut().poll(cx).map(|()| None)
        })
        .await;
        match finished {
            Some(r) => {
                if !matches!(&r, Err(WireError::Io(_) | WireError::Protocol(_))) {
                    probe.answered();
                }
                return Ok(r);
            }
            None => {
                if !probe.answered_within(interval) && !probe.node_answers().await {
                    return Err(Hung);
                }
            }
        }
    }
}

impl NodeConn {
    fn hung<T>(&mut self, label: &NodeLabel) -> SqlResult<T> {
        self.mark_broken();
        self.unresponsive = true;
        Err(not_responding(label))
    }

    fn fail<T>(&mut self, e: WireError, label: &NodeLabel) -> SqlResult<T> {
        let f = classify(e, label);
        if f.broken {
            self.mark_broken();
        }
        Err(f.error)
    }

    /// The statement prepared for `stmt` on this connection (preparing it
    /// the first time).
    async fn prepared(&mut self, label: &NodeLabel, stmt: &Stmt<'_>) -> SqlResult<Prepared> {
        if let Some(p) = self.statements.get(stmt) {
            return Ok(p);
        }
        let p = match watched(
            &self.probe,
            &mut self.watchdog,
            self.conn.prepare(stmt.text),
        )
        .await
        {
            Err(Hung) => return self.hung(label),
            Ok(Ok(p)) => p,
            Ok(Err(e)) => return self.fail(e, label),
        };
        for id in self.statements.insert(stmt, p) {
            self.conn.close_later(id);
        }
        Ok(p)
    }

    /// A prepared (cached) statement returning rows, binary protocol.
    pub async fn rows(&mut self, label: &NodeLabel, sql: &Sql) -> SqlResult<Vec<Vec<My>>> {
        let stmt = Stmt {
            id: None,
            text: &sql.text,
            params: &sql.params,
        };
        self.stmt_rows(label, stmt).await
    }

    /// [`NodeConn::rows`] of a [`Stmt`], NULL as `My::NULL` (the caller
    /// converts each value once, see `read::finish`). A statement of a
    /// cached shape runs the statement this connection prepared for it.
    pub async fn stmt_rows(
        &mut self,
        label: &NodeLabel,
        stmt: Stmt<'_>,
    ) -> SqlResult<Vec<Vec<My>>> {
        let prepared = self.prepared(label, &stmt).await?;
        match watched(
            &self.probe,
            &mut self.watchdog,
            self.conn.exec_rows(&prepared, stmt.params),
        )
        .await
        {
            Err(Hung) => self.hung(label),
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(e)) => self.fail(e, label),
        }
    }

    /// A prepared (cached) statement without rows.
    pub async fn exec(&mut self, label: &NodeLabel, sql: &Sql) -> SqlResult<OkPacket> {
        let stmt = Stmt {
            id: None,
            text: &sql.text,
            params: &sql.params,
        };
        let prepared = self.prepared(label, &stmt).await?;
        match watched(
            &self.probe,
            &mut self.watchdog,
            self.conn.exec_drop(&prepared, &sql.params),
        )
        .await
        {
            Err(Hung) => self.hung(label),
            Ok(Ok(())) => {
                let ok = self.conn.last_ok();
                Ok(OkPacket {
                    affected: ok.affected,
                    warnings: ok.warnings,
                    info: ok.info.clone(),
                })
            }
            Ok(Err(e)) => self.fail(e, label),
        }
    }

    /// A statement that takes no parameters (transaction control, XA,
    /// SET, DDL), over the text protocol: nothing to prepare or cache.
    pub async fn run(&mut self, label: &NodeLabel, text: &str) -> SqlResult<()> {
        match watched(&self.probe, &mut self.watchdog, self.conn.query_drop(text)).await {
            Err(Hung) => self.hung(label),
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => self.fail(e, label),
        }
    }

    /// Rows of a statement without parameters, text protocol.
    pub async fn query_text(&mut self, label: &NodeLabel, text: &str) -> SqlResult<Vec<Vec<My>>> {
        match watched(&self.probe, &mut self.watchdog, self.conn.query_rows(text)).await {
            Err(Hung) => self.hung(label),
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(e)) => self.fail(e, label),
        }
    }

    /// SHOW WARNINGS of the last statement.
    pub async fn warnings(&mut self, label: &NodeLabel) -> SqlResult<Vec<SqlWarning>> {
        let rows = self.query_text(label, "SHOW WARNINGS").await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let mut it = r.into_iter();
                let level = text_of(it.next()?);
                let code = text_of(it.next()?).parse::<u16>().ok()?;
                let message = text_of(it.next()?);
                Some(SqlWarning {
                    level: match level.as_str() {
                        "Note" => WarningLevel::Note,
                        "Error" => WarningLevel::Error,
                        _ => WarningLevel::Warning,
                    },
                    code,
                    message,
                })
            })
            .collect())
    }

    /// Makes innodb_lock_wait_timeout of this session `secs`, if it is not.
    pub async fn set_lock_wait(&mut self, label: &NodeLabel, secs: Option<u64>) -> SqlResult<()> {
        let Some(secs) = secs else {
            return Ok(());
        };
        if self.lock_wait_secs == Some(secs) {
            return Ok(());
        }
        self.run(
            label,
            &format!("SET SESSION innodb_lock_wait_timeout={secs}"),
        )
        .await?;
        self.lock_wait_secs = Some(secs);
        Ok(())
    }
}

/// A text-protocol value as a string.
pub fn text_of(v: My) -> String {
    match v {
        My::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
        My::Int(i) => i.to_string(),
        My::UInt(u) => u.to_string(),
        My::NULL => String::new(),
        other => format!("{other:?}"),
    }
}

/// "Rows matched: 3  Changed: 2  Warnings: 0" → (3, 2).
pub fn matched_changed(info: &str) -> Option<(u64, u64)> {
    let number_after = |label: &str| -> Option<u64> {
        let rest = &info[info.find(label)? + label.len()..];
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    };
    Some((number_after("Rows matched:")?, number_after("Changed:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_info_is_parsed() {
        assert_eq!(
            matched_changed("Rows matched: 3  Changed: 2  Warnings: 0"),
            Some((3, 2))
        );
        assert_eq!(matched_changed(""), None);
    }
}
