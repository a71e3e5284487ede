//! Date and time functions: DATE, YEAR, DATE_FORMAT, DATEDIFF, DATE_ADD,
//! FROM_UNIXTIME, STR_TO_DATE...

use super::{bytes, int, text_value};
use crate::error::{SqlResult, SqlWarning};
use crate::eval::cast::{self, push_warning, Warnings};
use crate::eval::temporal;
use crate::value::{DateTime, Decimal, Time, Value};

const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn date_arg(v: &Value, w: &mut Warnings) -> Option<DateTime> {
    cast::to_datetime(v, w)
}

/// Day of the year, 1-based.
fn day_of_year(d: &DateTime) -> i64 {
    temporal::day_number(d) - temporal::days_from_civil(d.year as i64, 1, 1) + 1
}

pub(super) fn date_fn(name: &str, a: &[Value], w: &mut Warnings) -> Option<SqlResult<Value>> {
    let v = match name {
        "DATE" => date_arg(&a[0], w).map_or(Value::Null, |d| {
            Value::Date(DateTime {
                hour: 0,
                minute: 0,
                second: 0,
                micro: 0,
                ..d
            })
        }),
        "TIME" => cast::to_time(&a[0], w).map_or(Value::Null, Value::Time),
        "TIMESTAMP" => date_arg(&a[0], w).map_or(Value::Null, Value::DateTime),
        "YEAR" | "MONTH" | "DAY" | "DAYOFMONTH" | "QUARTER" => {
            date_arg(&a[0], w).map_or(Value::Null, |d| {
                Value::Int(match name {
                    "YEAR" => d.year as i64,
                    "MONTH" => d.month as i64,
                    "QUARTER" => (d.month as i64 + 2) / 3,
                    _ => d.day as i64,
                })
            })
        }
        "DAYOFWEEK" | "WEEKDAY" | "DAYOFYEAR" | "DAYNAME" | "MONTHNAME" | "LAST_DAY"
        | "TO_DAYS" => match date_arg(&a[0], w) {
            Some(d) if temporal::is_complete_date(&d) => match name {
                "DAYOFWEEK" => Value::Int((temporal::weekday(&d) as i64 + 1) % 7 + 1),
                "WEEKDAY" => Value::Int(temporal::weekday(&d) as i64),
                "DAYOFYEAR" => Value::Int(day_of_year(&d)),
                "DAYNAME" => text_value(DAY_NAMES[temporal::weekday(&d) as usize]),
                "MONTHNAME" => month_name(d.month),
                "TO_DAYS" => Value::Int(temporal::day_number(&d) + 719_528),
                _ => Value::Date(DateTime {
                    day: temporal::days_in_month(d.year as u32, d.month as u32) as u8,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    micro: 0,
                    ..d
                }),
            },
            Some(d) if name == "MONTHNAME" && d.month != 0 => month_name(d.month),
            _ => Value::Null,
        },
        "FROM_DAYS" => {
            let n = int(&a[0], w);
            if n < 366 {
                Value::Date(DateTime::default())
            } else {
                temporal::from_day_number(n - 719_528).map_or(Value::Null, Value::Date)
            }
        }
        "HOUR" | "MINUTE" | "SECOND" | "MICROSECOND" => {
            let t = match &a[0] {
                Value::Date(d) | Value::DateTime(d) => Some(Time {
                    negative: false,
                    hours: d.hour as u32,
                    minute: d.minute,
                    second: d.second,
                    micro: d.micro,
                }),
                other => cast::to_time(other, w),
            };
            t.map_or(Value::Null, |t| {
                Value::Int(match name {
                    "HOUR" => t.hours as i64,
                    "MINUTE" => t.minute as i64,
                    "SECOND" => t.second as i64,
                    _ => t.micro as i64,
                })
            })
        }
        "DATE_FORMAT" => match date_arg(&a[0], w) {
            Some(d) => text_value(date_format(&d, &bytes(&a[1]))),
            None => Value::Null,
        },
        "TIME_FORMAT" => match cast::to_time(&a[0], w) {
            Some(t) => {
                let d = DateTime {
                    hour: (t.hours % 24) as u8,
                    minute: t.minute,
                    second: t.second,
                    micro: t.micro,
                    ..DateTime::default()
                };
                text_value(date_format(&d, &bytes(&a[1])))
            }
            None => Value::Null,
        },
        "DATEDIFF" => match (date_arg(&a[0], w), date_arg(&a[1], w)) {
            (Some(x), Some(y))
                if temporal::is_complete_date(&x) && temporal::is_complete_date(&y) =>
            {
                Value::Int(temporal::day_number(&x) - temporal::day_number(&y))
            }
            _ => Value::Null,
        },
        "ADDTIME" | "SUBTIME" => {
            let Some(t) = cast::to_time(&a[1], w) else {
                return Some(Ok(Value::Null));
            };
            let mut delta = temporal::time_to_micros(&t);
            if name == "SUBTIME" {
                delta = delta.saturating_neg();
            }
            // A date and time moves as one; a time stays a time.
            let has_date = match &a[0] {
                Value::Date(_) | Value::DateTime(_) => true,
                // '10:00:00' is a time: its first separator is a colon.
                Value::Bytes(b) => {
                    let t = b.trim_ascii_start();
                    t.iter().find(|c| !c.is_ascii_digit()) != Some(&b':')
                        && temporal::parse_datetime(b).is_some()
                }
                _ => false,
            };
            if has_date {
                date_arg(&a[0], w)
                    .and_then(|d| {
                        temporal::datetime_to_micros(&d)
                            .checked_add(delta)
                            .and_then(temporal::datetime_from_micros)
                    })
                    .map_or(Value::Null, Value::DateTime)
            } else {
                cast::to_time(&a[0], w).map_or(Value::Null, |t| {
                    Value::Time(temporal::time_from_micros(
                        temporal::time_to_micros(&t).saturating_add(delta),
                    ))
                })
            }
        }
        "MAKEDATE" => {
            let (year, day) = (int(&a[0], w), int(&a[1], w));
            let year = match year {
                0..=69 => year + 2000,
                70..=99 => year + 1900,
                _ => year,
            };
            // 10,000 years of days reach past 9999-12-31 from any year:
            // bounding `day` keeps the day arithmetic from overflowing.
            if day <= 0 || day > 3_652_500 || !(0..=9999).contains(&year) {
                return Some(Ok(Value::Null));
            }
            let n = temporal::days_from_civil(year, 1, 1) + day - 1;
            let (y, m, d) = temporal::civil_from_days(n);
            if y > 9999 {
                Value::Null
            } else {
                Value::Date(DateTime {
                    year: y as u16,
                    month: m as u8,
                    day: d as u8,
                    ..DateTime::default()
                })
            }
        }
        "MAKETIME" => {
            let (h, m) = (int(&a[0], w), int(&a[1], w));
            let Some(s) = cast::to_decimal(&a[2], w) else {
                return Some(Ok(Value::Null));
            };
            let secs = s.trunc_i128();
            if !(0..60).contains(&m) || !(0..60).contains(&secs) || s.is_negative() {
                return Some(Ok(Value::Null));
            }
            let micro = s
                .checked_sub(Decimal::new(secs, 0))
                .and_then(|f| f.rescale(6))
                .map_or(0, |f| f.mantissa as i64);
            let sign = if h < 0 { -1 } else { 1 };
            let total = (h.unsigned_abs().min(10_000) as i64 * 3600 + m * 60 + secs as i64)
                * 1_000_000
                + micro;
            Value::Time(temporal::time_from_micros(sign * total))
        }
        "TIMEDIFF" => {
            let micros = |v: &Value, w: &mut Warnings| -> Option<(i64, bool)> {
                match v {
                    Value::Time(t) => Some((temporal::time_to_micros(t), false)),
                    Value::Date(d) | Value::DateTime(d) => {
                        Some((temporal::datetime_to_micros(d), true))
                    }
                    Value::Bytes(b) => match temporal::parse_datetime(b) {
                        Some(p) if p.has_time => {
                            Some((temporal::datetime_to_micros(&p.value), true))
                        }
                        _ => cast::to_time(v, w).map(|t| (temporal::time_to_micros(&t), false)),
                    },
                    other => cast::to_time(other, w).map(|t| (temporal::time_to_micros(&t), false)),
                }
            };
            match (micros(&a[0], w), micros(&a[1], w)) {
                (Some((x, dx)), Some((y, dy))) if dx == dy => {
                    Value::Time(temporal::time_from_micros(x.saturating_sub(y)))
                }
                _ => Value::Null,
            }
        }
        "DATE_ADD" | "DATE_SUB" | "ADDDATE" | "SUBDATE" => {
            let unit = a.get(2).map_or_else(|| b"DAY".to_vec(), bytes);
            let mut n = int(&a[1], w);
            if name == "DATE_SUB" || name == "SUBDATE" {
                n = n.saturating_neg();
            }
            date_add(&a[0], n, &unit, w)
        }
        "FROM_UNIXTIME" => {
            let Some(d) = cast::to_decimal(&a[0], w) else {
                return Some(Ok(Value::Null));
            };
            if d.is_negative() {
                return Some(Ok(Value::Null));
            }
            let secs = d.trunc_i128();
            let micro = d
                .checked_sub(Decimal::new(secs, 0))
                .and_then(|f| f.rescale(6))
                .map_or(0, |f| f.mantissa as u32);
            let dt = i64::try_from(secs)
                .ok()
                .and_then(|s| temporal::from_unix_seconds(s, micro));
            match (dt, a.get(1)) {
                (Some(dt), Some(fmt)) => text_value(date_format(&dt, &bytes(fmt))),
                (Some(dt), None) => Value::DateTime(dt),
                (None, _) => Value::Null,
            }
        }
        "UNIX_TIMESTAMP" => match date_arg(&a[0], w) {
            Some(d) if temporal::is_complete_date(&d) => {
                let s = temporal::unix_seconds(&d);
                if !(0..=2_147_483_647).contains(&s) {
                    Value::Int(0)
                } else if d.micro != 0 {
                    Value::Decimal(Decimal::new(s as i128 * 1_000_000 + d.micro as i128, 6))
                } else {
                    Value::Int(s)
                }
            }
            _ => Value::Null,
        },
        "STR_TO_DATE" => str_to_date(&bytes(&a[0]), &bytes(&a[1]), w),
        "WEEK" | "YEARWEEK" => {
            let mode = a.get(1).map_or(0, |m| int(m, w));
            match date_arg(&a[0], w) {
                Some(d) => week_of(&d, mode, name == "YEARWEEK"),
                None => Value::Null,
            }
        }
        "TIMESTAMPDIFF" => {
            let unit = String::from_utf8_lossy(&bytes(&a[0])).to_ascii_uppercase();
            match (date_arg(&a[1], w), date_arg(&a[2], w)) {
                (Some(x), Some(y))
                    if temporal::is_complete_date(&x) && temporal::is_complete_date(&y) =>
                {
                    timestamp_diff(&unit, &x, &y).map_or(Value::Null, Value::Int)
                }
                _ => Value::Null,
            }
        }
        "TIME_TO_SEC" => match cast::to_time(&a[0], w) {
            Some(t) => {
                let micros = temporal::time_to_micros(&t);
                if micros % 1_000_000 == 0 {
                    Value::Int(micros / 1_000_000)
                } else {
                    // As many fractional digits as the fraction needs.
                    let mut d = Decimal::new(micros as i128, 6);
                    while d.mantissa % 10 == 0 {
                        d = Decimal::new(d.mantissa / 10, d.scale - 1);
                    }
                    Value::Decimal(d)
                }
            }
            None => Value::Null,
        },
        "SEC_TO_TIME" => match cast::to_decimal(&a[0], w).and_then(|d| d.rescale(6)) {
            Some(d) => {
                let micros = d.mantissa.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
                let t = temporal::time_from_micros(micros);
                if temporal::time_to_micros(&t) != micros {
                    push_warning(
                        w,
                        SqlWarning::new(
                            1292,
                            format!(
                                "Truncated incorrect time value: '{}'",
                                String::from_utf8_lossy(&bytes(&a[0]))
                            ),
                        ),
                    );
                }
                Value::Time(t)
            }
            None => Value::Null,
        },
        _ => return None,
    };
    Some(Ok(v))
}

/// DATE_ADD(d, INTERVAL n unit).
fn date_add(v: &Value, n: i64, unit: &[u8], w: &mut Warnings) -> Value {
    let unit = String::from_utf8_lossy(unit).to_ascii_uppercase();
    let is_date = match v {
        Value::Date(_) => true,
        Value::Bytes(b) => temporal::parse_datetime(b).is_some_and(|p| !p.has_time),
        _ => false,
    };
    let Some(d) = date_arg(v, w) else {
        return Value::Null;
    };
    if !temporal::is_complete_date(&d) {
        return Value::Null;
    }
    let (months, micros): (i64, i64) = match unit.as_str() {
        "YEAR" => (n.saturating_mul(12), 0),
        "QUARTER" => (n.saturating_mul(3), 0),
        "MONTH" => (n, 0),
        "WEEK" => (0, n.saturating_mul(7 * 86_400_000_000)),
        "DAY" => (0, n.saturating_mul(86_400_000_000)),
        "HOUR" => (0, n.saturating_mul(3_600_000_000)),
        "MINUTE" => (0, n.saturating_mul(60_000_000)),
        "SECOND" => (0, n.saturating_mul(1_000_000)),
        "MICROSECOND" => (0, n),
        _ => return Value::Null,
    };
    let r = if months != 0 {
        temporal::add_months(&d, months)
    } else {
        temporal::datetime_to_micros(&d)
            .checked_add(micros)
            .and_then(temporal::datetime_from_micros)
    };
    let time_unit = matches!(unit.as_str(), "HOUR" | "MINUTE" | "SECOND" | "MICROSECOND");
    match r {
        Some(r) if is_date && !time_unit => Value::Date(r),
        Some(r) => Value::DateTime(r),
        None => Value::Null,
    }
}

/// The month's name; NULL for a month outside 1..=12.
fn month_name(month: u8) -> Value {
    MONTH_NAMES
        .get((month as usize).wrapping_sub(1))
        .map_or(Value::Null, |m| text_value(*m))
}

const WEEK_MONDAY_FIRST: u32 = 1;
const WEEK_YEAR: u32 = 2;
const WEEK_FIRST_WEEKDAY: u32 = 4;

/// WEEK()'s mode argument as calc_week behaviour flags (MySQL's week_mode).
fn week_mode(mode: i64) -> u32 {
    let mut f = (mode & 7) as u32;
    if f & WEEK_MONDAY_FIRST == 0 {
        f ^= WEEK_FIRST_WEEKDAY;
    }
    f
}

fn days_in_year(y: i64) -> i64 {
    if temporal::is_leap(y as u32) {
        366
    } else {
        365
    }
}

/// MySQL's calc_week: the week number of a (complete) date and the year it
/// belongs to, under the behaviour flags.
fn calc_week(d: &DateTime, behaviour: u32) -> (i64, i64) {
    let daynr = temporal::day_number(d);
    let mut first_daynr = temporal::days_from_civil(d.year as i64, 1, 1);
    let monday_first = behaviour & WEEK_MONDAY_FIRST != 0;
    let mut week_year = behaviour & WEEK_YEAR != 0;
    let first_weekday = behaviour & WEEK_FIRST_WEEKDAY != 0;
    let weekday_of = |daynr: i64| -> i64 {
        let mon0 = (daynr + 3).rem_euclid(7);
        if monday_first {
            mon0
        } else {
            (mon0 + 1) % 7
        }
    };
    let mut weekday = weekday_of(first_daynr);
    let mut year = d.year as i64;
    if d.month == 1 && (d.day as i64) <= 7 - weekday {
        if !week_year && ((first_weekday && weekday != 0) || (!first_weekday && weekday >= 4)) {
            return (0, year);
        }
        week_year = true;
        year -= 1;
        let days = days_in_year(year);
        first_daynr -= days;
        weekday = (weekday + 53 * 7 - days).rem_euclid(7);
    }
    let days = if (first_weekday && weekday != 0) || (!first_weekday && weekday >= 4) {
        daynr - (first_daynr + (7 - weekday))
    } else {
        daynr - (first_daynr - weekday)
    };
    if week_year && days >= 52 * 7 {
        let wd = (weekday + days_in_year(year)) % 7;
        if (!first_weekday && wd < 4) || (first_weekday && wd == 0) {
            return (1, year + 1);
        }
    }
    (days / 7 + 1, year)
}

/// WEEK(d, mode) and YEARWEEK(d, mode).
fn week_of(d: &DateTime, mode: i64, with_year: bool) -> Value {
    if !temporal::is_complete_date(d) {
        return Value::Null;
    }
    if with_year {
        let (week, year) = calc_week(d, week_mode(mode) | WEEK_YEAR);
        Value::Int(year * 100 + week)
    } else {
        Value::Int(calc_week(d, week_mode(mode)).0)
    }
}

/// TIMESTAMPDIFF(unit, a, b): whole units from a to b. Months count only
/// when the day and time of month have been reached, as in MySQL.
fn timestamp_diff(unit: &str, a: &DateTime, b: &DateTime) -> Option<i64> {
    let micro_unit: i64 = match unit {
        "MICROSECOND" => 1,
        "SECOND" => 1_000_000,
        "MINUTE" => 60_000_000,
        "HOUR" => 3_600_000_000,
        "DAY" => 86_400_000_000,
        "WEEK" => 7 * 86_400_000_000,
        "MONTH" | "QUARTER" | "YEAR" => 0,
        _ => return None,
    };
    if micro_unit > 0 {
        let diff = temporal::datetime_to_micros(b) - temporal::datetime_to_micros(a);
        return Some(diff / micro_unit);
    }
    let mut months = (b.year as i64 * 12 + b.month as i64) - (a.year as i64 * 12 + a.month as i64);
    let rest = |d: &DateTime| (d.day, d.hour, d.minute, d.second, d.micro);
    if months > 0 && rest(b) < rest(a) {
        months -= 1;
    } else if months < 0 && rest(b) > rest(a) {
        months += 1;
    }
    Some(match unit {
        "MONTH" => months,
        "QUARTER" => months / 3,
        _ => months / 12,
    })
}

fn ordinal_suffix(day: u8) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// DATE_FORMAT's specifiers, as MySQL documents them.
pub fn date_format(d: &DateTime, fmt: &[u8]) -> Vec<u8> {
    use std::fmt::Write;
    let mut out = String::new();
    let complete = temporal::is_complete_date(d);
    let wd = if complete { temporal::weekday(d) } else { 0 };
    let hour12 = match d.hour % 12 {
        0 => 12,
        h => h,
    };
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' || i + 1 >= fmt.len() {
            out.push(c as char);
            i += 1;
            continue;
        }
        let s = fmt[i + 1];
        i += 2;
        let _ = match s {
            b'a' => write!(out, "{}", &DAY_NAMES[wd as usize][..3]),
            b'b' => write!(
                out,
                "{}",
                MONTH_NAMES
                    .get((d.month as usize).wrapping_sub(1))
                    .map_or("", |m| &m[..3])
            ),
            b'c' => write!(out, "{}", d.month),
            b'D' => write!(out, "{}{}", d.day, ordinal_suffix(d.day)),
            b'd' => write!(out, "{:02}", d.day),
            b'e' => write!(out, "{}", d.day),
            b'f' => write!(out, "{:06}", d.micro),
            b'H' => write!(out, "{:02}", d.hour),
            b'h' | b'I' => write!(out, "{:02}", hour12),
            b'i' => write!(out, "{:02}", d.minute),
            b'j' => write!(out, "{:03}", if complete { day_of_year(d) } else { 0 }),
            b'k' => write!(out, "{}", d.hour),
            b'l' => write!(out, "{}", hour12),
            b'M' => write!(
                out,
                "{}",
                MONTH_NAMES
                    .get((d.month as usize).wrapping_sub(1))
                    .unwrap_or(&"")
            ),
            b'm' => write!(out, "{:02}", d.month),
            b'p' => write!(out, "{}", if d.hour < 12 { "AM" } else { "PM" }),
            b'r' => write!(
                out,
                "{:02}:{:02}:{:02} {}",
                hour12,
                d.minute,
                d.second,
                if d.hour < 12 { "AM" } else { "PM" }
            ),
            b'S' | b's' => write!(out, "{:02}", d.second),
            b'T' => write!(out, "{:02}:{:02}:{:02}", d.hour, d.minute, d.second),
            b'U' | b'u' | b'V' | b'v' | b'X' | b'x' => {
                let behaviour = match s {
                    b'U' => WEEK_FIRST_WEEKDAY,
                    b'u' => WEEK_MONDAY_FIRST,
                    b'V' | b'X' => WEEK_YEAR | WEEK_FIRST_WEEKDAY,
                    _ => WEEK_YEAR | WEEK_MONDAY_FIRST,
                };
                let (week, year) = if complete {
                    calc_week(d, behaviour)
                } else {
                    (0, d.year as i64)
                };
                if matches!(s, b'X' | b'x') {
                    write!(out, "{:04}", year)
                } else {
                    write!(out, "{:02}", week)
                }
            }
            b'W' => write!(out, "{}", DAY_NAMES[wd as usize]),
            b'w' => write!(out, "{}", (wd + 1) % 7),
            b'Y' => write!(out, "{:04}", d.year),
            b'y' => write!(out, "{:02}", d.year % 100),
            other => {
                out.push(other as char);
                Ok(())
            }
        };
    }
    out.into_bytes()
}

/// STR_TO_DATE for the common numeric specifiers (%Y %y %m %c %d %e %H %k
/// %h %I %l %i %s %S %f %p %M %b %T %%). NULL with warning 1411 when the
/// text does not match.
fn str_to_date(s: &[u8], fmt: &[u8], w: &mut Warnings) -> Value {
    let fail = |w: &mut Warnings| {
        push_warning(
            w,
            SqlWarning::new(
                1411,
                format!(
                    "Incorrect datetime value: '{}' for function str_to_date",
                    String::from_utf8_lossy(s)
                ),
            ),
        );
        Value::Null
    };
    let mut d = DateTime::default();
    let (mut i, mut j) = (0, 0);
    let mut pm: Option<bool> = None;
    let mut has_time = false;
    let num = |s: &[u8], i: &mut usize, max: usize| -> Option<u32> {
        let start = *i;
        let mut v = 0u32;
        while *i < s.len() && s[*i].is_ascii_digit() && *i - start < max {
            v = v * 10 + (s[*i] - b'0') as u32;
            *i += 1;
        }
        (*i > start).then_some(v)
    };
    while j < fmt.len() {
        if fmt[j] != b'%' || j + 1 >= fmt.len() {
            if i < s.len() && s[i] == fmt[j] {
                i += 1;
            } else if !fmt[j].is_ascii_whitespace() {
                return fail(w);
            }
            j += 1;
            continue;
        }
        let spec = fmt[j + 1];
        j += 2;
        let ok = match spec {
            b'Y' => num(s, &mut i, 4).map(|v| d.year = v as u16),
            b'y' => {
                num(s, &mut i, 2).map(|v| d.year = if v < 70 { 2000 + v } else { 1900 + v } as u16)
            }
            b'm' | b'c' => num(s, &mut i, 2).map(|v| d.month = v as u8),
            b'd' | b'e' => num(s, &mut i, 2).map(|v| d.day = v as u8),
            b'H' | b'k' | b'h' | b'I' | b'l' => num(s, &mut i, 2).map(|v| {
                has_time = true;
                d.hour = v as u8
            }),
            b'i' => num(s, &mut i, 2).map(|v| d.minute = v as u8),
            b's' | b'S' => num(s, &mut i, 2).map(|v| d.second = v as u8),
            b'f' => {
                let start = i;
                num(s, &mut i, 6).map(|v| {
                    let digits = i - start;
                    d.micro = v * 10u32.pow(6 - digits as u32)
                })
            }
            b'T' => {
                has_time = true;
                num(s, &mut i, 2).and_then(|h| {
                    d.hour = h as u8;
                    (s.get(i) == Some(&b':')).then(|| i += 1)?;
                    d.minute = num(s, &mut i, 2)? as u8;
                    (s.get(i) == Some(&b':')).then(|| i += 1)?;
                    d.second = num(s, &mut i, 2)? as u8;
                    Some(())
                })
            }
            b'p' => {
                let t = s.get(i..i + 2).map(|x| x.to_ascii_uppercase());
                match t.as_deref() {
                    Some(b"AM") => {
                        pm = Some(false);
                        i += 2;
                        Some(())
                    }
                    Some(b"PM") => {
                        pm = Some(true);
                        i += 2;
                        Some(())
                    }
                    _ => None,
                }
            }
            b'M' | b'b' => {
                let rest = String::from_utf8_lossy(&s[i..]).to_ascii_lowercase();
                MONTH_NAMES.iter().enumerate().find_map(|(k, m)| {
                    let m = m.to_ascii_lowercase();
                    let name = if spec == b'M' { &m[..] } else { &m[..3] };
                    rest.starts_with(name).then(|| {
                        i += name.len();
                        d.month = k as u8 + 1;
                    })
                })
            }
            b'%' => (s.get(i) == Some(&b'%')).then(|| i += 1),
            _ => None,
        };
        if ok.is_none() {
            return fail(w);
        }
    }
    if let Some(pm) = pm {
        if d.hour == 12 {
            d.hour = 0;
        }
        if pm {
            d.hour += 12;
        }
    }
    if !temporal::valid_date(d.year as u32, d.month as u32, d.day as u32)
        || d.hour > 23
        || d.minute > 59
        || d.second > 59
    {
        return fail(w);
    }
    if has_time || d.minute != 0 || d.second != 0 || d.micro != 0 {
        Value::DateTime(d)
    } else {
        Value::Date(d)
    }
}
