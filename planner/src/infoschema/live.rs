//! The views over live server state rather than the catalog: PROCESSLIST
//! (the sessions SHOW PROCESSLIST lists), GLOBAL_ / SESSION_VARIABLES
//! (SHOW VARIABLES' variables) and GLOBAL_ / SESSION_STATUS (SHOW STATUS's
//! counters), from the session's [`ServerState`] and [`VarStore`].

use super::rows::Visible;
use super::views::View;
use crate::context::SessionCtx;
use pushdown::value::{Decimal, Row, Value};

/// Whether `view`'s rows come from here.
pub fn is_live(view: View) -> bool {
    matches!(
        view,
        View::Processlist
            | View::GlobalVariables
            | View::SessionVariables
            | View::GlobalStatus
            | View::SessionStatus
    )
}

/// Every row of a live view.
pub fn rows(view: View, vis: &Visible, session: &SessionCtx) -> Vec<Row> {
    match view {
        View::Processlist => processlist(vis, session),
        View::GlobalVariables | View::SessionVariables => session
            .vars
            .system_vars(view == View::GlobalVariables)
            .into_iter()
            .map(|(name, value)| name_value(name, value))
            .collect(),
        // sqld keeps its counters for the server only: a session's values
        // are the server's, as SHOW [SESSION] STATUS shows them.
        View::GlobalStatus | View::SessionStatus => session
            .server
            .status()
            .into_iter()
            .map(|(name, value)| name_value(&name, value))
            .collect(),
        _ => Vec::new(),
    }
}

/// VARIABLE_NAME is upper case in information_schema, as in MariaDB.
fn name_value(name: &str, value: String) -> Row {
    vec![Value::from(name.to_ascii_uppercase()), Value::from(value)]
}

/// The sessions the grantee may see: all with the PROCESS privilege
/// (ALL on `*.*`), else those logged in with its user name (MariaDB's
/// rule, and SHOW PROCESSLIST's).
fn processlist(vis: &Visible, session: &SessionCtx) -> Vec<Row> {
    let all = vis.sees_all_sessions();
    session
        .server
        .processes()
        .into_iter()
        .filter(|p| all || p.user == session.user)
        .map(|p| {
            let info_binary = p
                .info
                .as_ref()
                .map_or(Value::Null, |i| Value::Bytes(i.as_bytes().to_vec()));
            // Milliseconds with 3 decimals: microseconds at scale 3.
            let micros = i128::try_from(p.time.as_micros()).unwrap_or(i128::MAX);
            vec![
                Value::Int(i64::from(p.id)),
                Value::from(p.user),
                Value::from(p.host),
                p.db.map_or(Value::Null, Value::from),
                Value::from(p.command),
                Value::Int(i64::try_from(p.time.as_secs()).unwrap_or(i64::MAX)),
                Value::from(p.state),
                p.info.map_or(Value::Null, Value::from),
                Value::Decimal(Decimal {
                    mantissa: micros,
                    scale: 3,
                }),
                // Stages and progress (ALTER TABLE's, in MariaDB), memory
                // and rows examined: sqld does not track them.
                Value::Int(0),
                Value::Int(0),
                Value::Decimal(Decimal {
                    mantissa: 0,
                    scale: 3,
                }),
                Value::Int(0),
                Value::Int(0),
                Value::Int(0),
                // QUERY_ID: sqld numbers no statements; TID: a session is
                // a task on a shared thread pool, not a thread.
                Value::Int(0),
                info_binary,
                Value::Int(0),
            ]
        })
        .collect()
}
