//! Partial aggregates (COUNT, SUM, MIN, MAX of plain columns) computed
//! while a plain read scans, so that `SELECT SUM(k) … WHERE id BETWEEN …`
//! decodes one column per row and builds no rows. The planner finishes
//! them as it finishes a remote node's (`ops::aggregate::from_partials`),
//! so each partial is what the planner's own accumulator would hold after
//! the same rows in the same order.

use crate::request::PartialAgg;
use crate::schema::{Collation, ColumnType, TableDef};
use crate::value::{Decimal, Row, Value};
use std::cmp::Ordering;

enum State {
    Count(u64),
    /// Integers and decimals: exact, at the largest scale seen.
    Exact(Option<(i128, u8)>),
    /// FLOAT and DOUBLE, added in scan order from 0.0 as the planner does.
    Double(Option<f64>),
    /// MIN or MAX so far, and the collation values compare under.
    Best(Option<Value>, Collation),
}

pub(super) struct Partials<'a> {
    aggs: &'a [PartialAgg],
    state: Vec<State>,
}

impl<'a> Partials<'a> {
    /// None when an aggregate is left to the planner: SUM of a column that
    /// is not numeric (strings and temporal values convert first).
    pub fn new(table: &TableDef, aggs: &'a [PartialAgg]) -> Option<Partials<'a>> {
        let mut state = Vec::with_capacity(aggs.len());
        for a in aggs {
            state.push(match *a {
                PartialAgg::CountStar | PartialAgg::Count(_) => State::Count(0),
                PartialAgg::Sum(c) => match table.columns.get(c)?.ty {
                    ColumnType::Float | ColumnType::Double => State::Double(None),
                    ColumnType::Decimal { .. } => State::Exact(None),
                    t if t.is_integer() && t != ColumnType::Year => State::Exact(None),
                    _ => return None,
                },
                PartialAgg::Min(c) | PartialAgg::Max(c) => {
                    let col = table.columns.get(c)?;
                    let collation = if col.ty.is_text() {
                        col.collation
                    } else {
                        Collation::Binary
                    };
                    State::Best(None, collation)
                }
            });
        }
        Some(Partials { aggs, state })
    }

    /// Adds one row (table positions); false when a sum no longer fits
    /// exactly (the planner then reads the rows and sums them itself).
    pub fn add(&mut self, row: &[Value]) -> bool {
        for (a, s) in self.aggs.iter().zip(&mut self.state) {
            let col = match *a {
                PartialAgg::CountStar => {
                    if let State::Count(n) = s {
                        *n += 1;
                    }
                    continue;
                }
                PartialAgg::Count(c)
                | PartialAgg::Sum(c)
                | PartialAgg::Min(c)
                | PartialAgg::Max(c) => c,
            };
            let v = row.get(col).unwrap_or(&Value::Null);
            if v.is_null() {
                continue;
            }
            match s {
                State::Count(n) => *n += 1,
                State::Exact(sum) => {
                    let (m, scale) = match v {
                        Value::Int(i) => (*i as i128, 0),
                        Value::UInt(u) => (*u as i128, 0),
                        Value::Decimal(d) => (d.mantissa, d.scale),
                        _ => return false,
                    };
                    *sum = match *sum {
                        None => Some((m, scale)),
                        Some((acc, acc_scale)) => {
                            let target = acc_scale.max(scale);
                            let (Some(a), Some(b)) = (
                                Decimal::new(acc, acc_scale).rescale(target),
                                Decimal::new(m, scale).rescale(target),
                            ) else {
                                return false;
                            };
                            match a.mantissa.checked_add(b.mantissa) {
                                Some(total) => Some((total, target)),
                                None => return false,
                            }
                        }
                    };
                }
                State::Double(sum) => match v {
                    Value::Double(d) => *sum = Some(sum.unwrap_or(0.0) + d),
                    _ => return false,
                },
                State::Best(best, collation) => {
                    let replace = match best {
                        None => true,
                        Some(b) => {
                            let o =
                                crate::eval::compare(v, b, *collation).unwrap_or(Ordering::Equal);
                            if matches!(a, PartialAgg::Min(_)) {
                                o == Ordering::Less
                            } else {
                                o == Ordering::Greater
                            }
                        }
                    };
                    if replace {
                        *best = Some(v.clone());
                    }
                }
            }
        }
        true
    }

    /// One value per aggregate: counts as BIGINT, sums as DECIMAL or
    /// DOUBLE (NULL over no value), MIN / MAX as column values.
    pub fn finish(self) -> Row {
        self.state
            .into_iter()
            .map(|s| match s {
                State::Count(n) => Value::Int(i64::try_from(n).unwrap_or(i64::MAX)),
                State::Exact(Some((mantissa, scale))) => {
                    Value::Decimal(Decimal { mantissa, scale })
                }
                State::Double(Some(d)) => Value::Double(d),
                State::Exact(None) | State::Double(None) => Value::Null,
                State::Best(v, _) => v.unwrap_or(Value::Null),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ColumnDef, TableDef};

    fn table() -> TableDef {
        let c = |n: &str, ty| ColumnDef::new(n, ty, Collation::Utf8mb4GeneralCi);
        TableDef {
            id: 1,
            db: "d".into(),
            name: "t".into(),
            columns: vec![
                c("i", ColumnType::BigInt),
                c(
                    "d",
                    ColumnType::Decimal {
                        precision: 10,
                        scale: 2,
                    },
                ),
                c("f", ColumnType::Double),
                c("s", ColumnType::VarChar(5)),
            ],
            primary_key: vec![0],
            indexes: Vec::new(),
            engine: "InnoDB".into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        }
    }

    fn dec(mantissa: i128) -> Value {
        Value::Decimal(Decimal { mantissa, scale: 2 })
    }

    #[test]
    fn partials_are_what_the_planner_would_hold() {
        let t = table();
        let aggs = [
            PartialAgg::CountStar,
            PartialAgg::Count(3),
            PartialAgg::Sum(0),
            PartialAgg::Sum(1),
            PartialAgg::Sum(2),
            PartialAgg::Min(3),
            PartialAgg::Max(3),
        ];
        let mut p = Partials::new(&t, &aggs).unwrap();
        let rows = [
            vec![
                Value::Int(5),
                dec(150),
                Value::Double(0.1),
                Value::from("b"),
            ],
            vec![Value::Int(-2), Value::Null, Value::Double(0.2), Value::Null],
            vec![Value::Int(7), dec(-25), Value::Null, Value::from("A")],
            vec![Value::Int(1), dec(1), Value::Double(0.3), Value::from("a")],
        ];
        for r in &rows {
            assert!(p.add(r));
        }
        assert_eq!(
            p.finish(),
            vec![
                Value::Int(4),
                Value::Int(3),
                Value::Decimal(Decimal {
                    mantissa: 11,
                    scale: 0
                }),
                dec(126),
                // Added in scan order from 0.0, as the planner adds.
                Value::Double(0.0 + 0.1 + 0.2 + 0.3),
                // 'A' = 'a' under general_ci: the first one seen stays.
                Value::from("A"),
                Value::from("b"),
            ]
        );
    }

    #[test]
    fn nothing_to_aggregate_gives_zero_counts_and_nulls() {
        let t = table();
        let aggs = [
            PartialAgg::CountStar,
            PartialAgg::Sum(0),
            PartialAgg::Max(3),
        ];
        let p = Partials::new(&t, &aggs).unwrap();
        assert_eq!(p.finish(), vec![Value::Int(0), Value::Null, Value::Null]);
    }

    #[test]
    fn non_numeric_sums_and_overflow_are_left_to_the_planner() {
        let t = table();
        assert!(Partials::new(&t, &[PartialAgg::Sum(3)]).is_none());
        let aggs = [PartialAgg::Sum(1)];
        let mut p = Partials::new(&t, &aggs).unwrap();
        assert!(p.add(&[Value::Null, dec(i128::MAX)]));
        assert!(!p.add(&[Value::Null, dec(1)]), "the sum overflows i128");
    }
}
