//! DATE, DATETIME, TIMESTAMP and TIME: parsing MySQL's literal forms,
//! formatting, validation and calendar arithmetic.

use crate::value::{DateTime, Time, Value};

/// TIME's range: ±838:59:59.
pub const TIME_MAX_HOURS: u32 = 838;

pub fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether the date part is one MySQL accepts: a real calendar date, or one
/// with zero parts ('0000-00-00', '2024-00-00'), which MySQL allows by default.
pub fn valid_date(year: u32, month: u32, day: u32) -> bool {
    if year > 9999 || month > 12 {
        return false;
    }
    if month == 0 || day == 0 {
        return true;
    }
    day <= days_in_month(year, month)
}

fn valid_time_of_day(h: u32, m: u32, s: u32) -> bool {
    h < 24 && m < 60 && s < 60
}

pub fn is_zero_date(d: &DateTime) -> bool {
    d.year == 0 && d.month == 0 && d.day == 0
}

/// A date with no zero part (functions like DAYOFWEEK need one).
pub fn is_complete_date(d: &DateTime) -> bool {
    d.month != 0 && d.day != 0
}

/// Days since 0000-03-01 style epoch shifted to 1970-01-01 (proleptic
/// Gregorian), for date differences and arithmetic.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Day number of a date (for DATEDIFF, TO_DAYS-like arithmetic).
pub fn day_number(d: &DateTime) -> i64 {
    days_from_civil(d.year as i64, d.month as u32, d.day as u32)
}

/// Seconds since 1970-01-01 00:00:00 (UTC, as sqld runs with time_zone UTC).
pub fn unix_seconds(d: &DateTime) -> i64 {
    day_number(d) * 86400 + d.hour as i64 * 3600 + d.minute as i64 * 60 + d.second as i64
}

pub fn from_unix_seconds(secs: i64, micro: u32) -> Option<DateTime> {
    let days = secs.div_euclid(86400);
    if !(-4_000_000..=4_000_000).contains(&days) {
        return None;
    }
    let rem = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(DateTime {
        year: y as u16,
        month: m as u8,
        day: d as u8,
        hour: (rem / 3600) as u8,
        minute: (rem % 3600 / 60) as u8,
        second: (rem % 60) as u8,
        micro,
    })
}

/// A date from a day number; None outside years 0..=9999.
pub fn from_day_number(days: i64) -> Option<DateTime> {
    // Years 0..=9999 lie well within ±4 million days of 1970.
    if !(-4_000_000..=4_000_000).contains(&days) {
        return None;
    }
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(DateTime {
        year: y as u16,
        month: m as u8,
        day: d as u8,
        ..DateTime::default()
    })
}

/// Weekday, 0 = Monday .. 6 = Sunday.
pub fn weekday(d: &DateTime) -> u32 {
    // 1970-01-01 was a Thursday (3).
    (day_number(d) + 3).rem_euclid(7) as u32
}

/// Result of parsing a temporal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub value: DateTime,
    /// A time part was present.
    pub has_time: bool,
    /// The whole string was used (only trailing spaces left).
    pub complete: bool,
}

fn take_digits(s: &[u8], i: &mut usize, max: usize) -> Option<(u32, usize)> {
    let start = *i;
    let mut v: u64 = 0;
    while *i < s.len() && s[*i].is_ascii_digit() && *i - start < max {
        v = v.saturating_mul(10).saturating_add((s[*i] - b'0') as u64);
        *i += 1;
    }
    if *i == start {
        None
    } else {
        Some((v.min(u32::MAX as u64) as u32, *i - start))
    }
}

fn two_digit_year(y: u32) -> u32 {
    if y < 70 {
        2000 + y
    } else {
        1900 + y
    }
}

/// Fractional seconds: up to 6 digits used (more are truncated), as MySQL does.
fn take_fraction(s: &[u8], i: &mut usize) -> u32 {
    let mut micro = 0u32;
    let mut n = 0;
    while *i < s.len() && s[*i].is_ascii_digit() {
        if n < 6 {
            micro = micro * 10 + (s[*i] - b'0') as u32;
            n += 1;
        }
        *i += 1;
    }
    while n < 6 {
        micro *= 10;
        n += 1;
    }
    micro
}

fn rest_is_blank(s: &[u8], i: usize) -> bool {
    s[i.min(s.len())..].iter().all(|c| c.is_ascii_whitespace())
}

/// Parses DATE / DATETIME text: `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` with any
/// punctuation as delimiters, `T` between date and time, 2-digit years
/// (70-99 → 19xx), and the undelimited forms `YYYYMMDD[HHMMSS[.ffffff]]` and
/// `YYMMDD[HHMMSS]`. None when the text is not a valid date.
pub fn parse_datetime(s: &[u8]) -> Option<Parsed> {
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    let start = i;
    let mut run = 0;
    while start + run < s.len() && s[start + run].is_ascii_digit() {
        run += 1;
    }
    let undelimited = run >= 6
        && (start + run == s.len()
            || s[start + run] == b'.'
            || s[start + run] == b'T'
            || s[start + run].is_ascii_whitespace());
    if undelimited && run != 6 && run != 8 && run != 12 && run != 14 {
        return None;
    }
    let (year, month, day, mut has_time, hour, minute, second);
    if undelimited {
        let digits = &s[start..start + run];
        let num = |a: usize, b: usize| -> u32 {
            digits[a..b]
                .iter()
                .fold(0u32, |v, c| v * 10 + (c - b'0') as u32)
        };
        let ylen = if run == 8 || run == 14 { 4 } else { 2 };
        year = if ylen == 4 {
            num(0, 4)
        } else {
            two_digit_year(num(0, 2))
        };
        month = num(ylen, ylen + 2);
        day = num(ylen + 2, ylen + 4);
        has_time = run > 8;
        if has_time {
            hour = num(ylen + 4, ylen + 6);
            minute = num(ylen + 6, ylen + 8);
            second = num(ylen + 8, ylen + 10);
        } else {
            hour = 0;
            minute = 0;
            second = 0;
        }
        i = start + run;
    } else {
        let (y, ylen) = take_digits(s, &mut i, 4)?;
        year = if ylen <= 2 { two_digit_year(y) } else { y };
        let sep = |s: &[u8], i: &mut usize| -> Option<()> {
            if *i < s.len() && s[*i].is_ascii_punctuation() {
                *i += 1;
                Some(())
            } else {
                None
            }
        };
        sep(s, &mut i)?;
        month = take_digits(s, &mut i, 2)?.0;
        sep(s, &mut i)?;
        day = take_digits(s, &mut i, 2)?.0;
        let mut j = i;
        if j < s.len() && (s[j] == b'T' || s[j] == b' ') {
            j += 1;
            while j < s.len() && s[j] == b' ' {
                j += 1;
            }
        }
        has_time = false;
        let (mut h, mut mi, mut se) = (0, 0, 0);
        if j > i && j < s.len() && s[j].is_ascii_digit() {
            let mut k = j;
            h = take_digits(s, &mut k, 2)?.0;
            if k < s.len() && s[k].is_ascii_punctuation() && s[k] != b'.' {
                k += 1;
                if let Some((m, _)) = take_digits(s, &mut k, 2) {
                    mi = m;
                    if k < s.len() && s[k].is_ascii_punctuation() && s[k] != b'.' {
                        k += 1;
                        if let Some((sec, _)) = take_digits(s, &mut k, 2) {
                            se = sec;
                        }
                    }
                }
            }
            has_time = true;
            i = k;
        }
        hour = h;
        minute = mi;
        second = se;
    }
    let mut micro = 0;
    if has_time && i < s.len() && s[i] == b'.' {
        i += 1;
        micro = take_fraction(s, &mut i);
    } else if !has_time && undelimited && i < s.len() && s[i] == b'.' {
        // 20240101.5 is not a date with a fraction; leave it as garbage.
        has_time = false;
    }
    if !valid_date(year, month, day) || !valid_time_of_day(hour, minute, second) {
        return None;
    }
    Some(Parsed {
        value: DateTime {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            micro,
        },
        has_time,
        complete: rest_is_blank(s, i),
    })
}

/// A date or datetime from a number: YYYYMMDD, YYMMDD, YYYYMMDDHHMMSS,
/// YYMMDDHHMMSS; 0 is the zero date.
pub fn datetime_from_number(n: i64, micro: u32) -> Option<DateTime> {
    if n == 0 {
        return Some(DateTime::default());
    }
    // As MySQL's number_to_datetime: the numbers between its forms (1 to
    // 100, 691232 to 700100, ...) are not dates.
    let gap = n < 101
        || (691_232..700_101).contains(&n)
        || (991_232..10_000_101).contains(&n)
        || (100_000_000..101_000_000).contains(&n)
        || (691_231_235_960..700_101_000_000).contains(&n);
    if gap {
        return None;
    }
    let (date, time) = if n >= 101_000_000 {
        (n / 1_000_000, n % 1_000_000)
    } else {
        (n, -1)
    };
    let (mut y, m, d) = (date / 10000, (date / 100 % 100) as u32, (date % 100) as u32);
    if date < 1_000_000 && y < 100 {
        y = two_digit_year(y as u32) as i64;
    }
    if !valid_date(y as u32, m, d) {
        return None;
    }
    let (h, mi, s) = if time >= 0 {
        (
            (time / 10000) as u32,
            (time / 100 % 100) as u32,
            (time % 100) as u32,
        )
    } else {
        (0, 0, 0)
    };
    if !valid_time_of_day(h, mi, s) {
        return None;
    }
    Some(DateTime {
        year: y as u16,
        month: m as u8,
        day: d as u8,
        hour: h as u8,
        minute: mi as u8,
        second: s as u8,
        micro: if time >= 0 { micro } else { 0 },
    })
}

/// Parses TIME text: `[-][D ]HH:MM[:SS[.ffffff]]`, `HHMMSS[.ffffff]`,
/// 'SS', or a full datetime (its time part is used). Hours beyond 838 are
/// clipped to 838:59:59 (`clipped` is then true). None when not a time.
pub fn parse_time(s: &[u8]) -> Option<(Time, bool)> {
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    let negative = i < s.len() && s[i] == b'-';
    if negative {
        i += 1;
    }
    // A datetime string: take its time of day.
    if !negative {
        if let Some(p) = parse_datetime(&s[i..]) {
            if p.has_time {
                let v = p.value;
                return Some((
                    Time {
                        negative: false,
                        hours: v.hour as u32,
                        minute: v.minute,
                        second: v.second,
                        micro: v.micro,
                    },
                    false,
                ));
            }
        }
    }
    let start = i;
    let (first, flen) = take_digits(s, &mut i, 12)?;
    let (mut hours, minute, second);
    if i < s.len() && s[i] == b' ' && flen <= 2 {
        // 'D HH[:MM[:SS]]'
        i += 1;
        let (h, _) = take_digits(s, &mut i, 3)?;
        hours = first * 24 + h;
        let (mut m, mut se) = (0, 0);
        if i < s.len() && s[i] == b':' {
            i += 1;
            m = take_digits(s, &mut i, 2)?.0;
            if i < s.len() && s[i] == b':' {
                i += 1;
                se = take_digits(s, &mut i, 2)?.0;
            }
        }
        minute = m;
        second = se;
    } else if i < s.len() && s[i] == b':' {
        hours = first;
        i += 1;
        minute = take_digits(s, &mut i, 2)?.0;
        let mut se = 0;
        if i < s.len() && s[i] == b':' {
            i += 1;
            se = take_digits(s, &mut i, 2)?.0;
        }
        second = se;
    } else {
        // HHMMSS, MMSS or SS
        let n = first as u64;
        let _ = start;
        hours = (n / 10000) as u32;
        minute = (n / 100 % 100) as u32;
        second = (n % 100) as u32;
    }
    let mut micro = 0;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        micro = take_fraction(s, &mut i);
    }
    if minute > 59 || second > 59 || !rest_is_blank(s, i) && !s[i].is_ascii_punctuation() {
        return None;
    }
    let mut clipped = false;
    let (mut minute, mut second) = (minute, second);
    if hours > TIME_MAX_HOURS {
        hours = TIME_MAX_HOURS;
        minute = 59;
        second = 59;
        micro = 0;
        clipped = true;
    }
    Some((
        Time {
            negative: negative && (hours | minute | second | micro) != 0,
            hours,
            minute: minute as u8,
            second: second as u8,
            micro,
        },
        clipped,
    ))
}

/// A TIME from a number HHMMSS (negative allowed).
pub fn time_from_number(n: i64, micro: u32) -> Option<(Time, bool)> {
    let negative = n < 0;
    let a = n.unsigned_abs();
    let (h, m, s) = (a / 10000, (a / 100 % 100) as u8, (a % 100) as u8);
    if m > 59 || s > 59 {
        return None;
    }
    if h > TIME_MAX_HOURS as u64 {
        return Some((
            Time {
                negative,
                hours: TIME_MAX_HOURS,
                minute: 59,
                second: 59,
                micro: 0,
            },
            true,
        ));
    }
    Some((
        Time {
            negative: negative && (a != 0 || micro != 0),
            hours: h as u32,
            minute: m,
            second: s,
            micro,
        },
        false,
    ))
}

/// TIME as signed microseconds.
pub fn time_to_micros(t: &Time) -> i64 {
    // i128: a TIME decoded from a client may claim up to 2^32 hours.
    let v = ((t.hours as i128 * 60 + t.minute as i128) * 60 + t.second as i128) * 1_000_000
        + t.micro as i128;
    let v = v.min(i64::MAX as i128) as i64;
    if t.negative {
        -v
    } else {
        v
    }
}

/// A TIME from signed microseconds, clipped to ±838:59:59.
pub fn time_from_micros(v: i64) -> Time {
    let negative = v < 0;
    let a = v.unsigned_abs();
    let max = ((TIME_MAX_HOURS as u64 * 60 + 59) * 60 + 59) * 1_000_000;
    let a = a.min(max);
    let secs = a / 1_000_000;
    Time {
        negative: negative && a != 0,
        hours: (secs / 3600) as u32,
        minute: (secs / 60 % 60) as u8,
        second: (secs % 60) as u8,
        micro: (a % 1_000_000) as u32,
    }
}

/// DATETIME as microseconds since 1970 (for arithmetic).
pub fn datetime_to_micros(d: &DateTime) -> i64 {
    unix_seconds(d) * 1_000_000 + d.micro as i64
}

pub fn datetime_from_micros(v: i64) -> Option<DateTime> {
    from_unix_seconds(v.div_euclid(1_000_000), v.rem_euclid(1_000_000) as u32)
}

/// Keeps `fsp` fractional digits. MariaDB truncates the rest (it rounds
/// only with sql_mode TIME_ROUND_FRACTIONAL).
pub fn truncate_micro(micro: u32, fsp: u8) -> u32 {
    if fsp >= 6 {
        return micro;
    }
    let unit = 10u32.pow(6 - fsp as u32);
    micro / unit * unit
}

/// A datetime with `fsp` fractional digits kept.
pub fn datetime_fsp(d: DateTime, fsp: u8) -> DateTime {
    DateTime {
        micro: truncate_micro(d.micro, fsp),
        ..d
    }
}

/// A time with `fsp` fractional digits kept.
pub fn time_fsp(t: Time, fsp: u8) -> Time {
    let micro = truncate_micro(t.micro, fsp);
    Time {
        negative: t.negative && (t.hours | t.minute as u32 | t.second as u32 | micro) != 0,
        micro,
        ..t
    }
}

fn push_fraction(out: &mut String, micro: u32, fsp: u8) {
    if fsp > 0 {
        let digits = format!("{:06}", micro);
        out.push('.');
        out.push_str(&digits[..fsp.min(6) as usize]);
    }
}

pub fn format_date(d: &DateTime) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// 'YYYY-MM-DD HH:MM:SS' with `fsp` fractional digits.
pub fn format_datetime(d: &DateTime, fsp: u8) -> String {
    let mut s = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.year, d.month, d.day, d.hour, d.minute, d.second
    );
    push_fraction(&mut s, d.micro, fsp);
    s
}

/// '[-]HH:MM:SS' (hours at least two digits) with `fsp` fractional digits.
pub fn format_time(t: &Time, fsp: u8) -> String {
    let mut s = format!(
        "{}{:02}:{:02}:{:02}",
        if t.negative { "-" } else { "" },
        t.hours,
        t.minute,
        t.second
    );
    push_fraction(&mut s, t.micro, fsp);
    s
}

/// The digits a fraction needs when the type's fsp is unknown: 6 if any.
pub fn natural_fsp(micro: u32) -> u8 {
    if micro == 0 {
        0
    } else {
        6
    }
}

/// Adds `months` to a date, clamping the day to the month's end (as
/// DATE_ADD(... INTERVAL n MONTH) does). None outside years 0..=9999.
pub fn add_months(d: &DateTime, months: i64) -> Option<DateTime> {
    let total = (d.year as i64 * 12 + d.month as i64 - 1).checked_add(months)?;
    if !(0..=9999 * 12 + 11).contains(&total) {
        return None;
    }
    let year = (total / 12) as u32;
    let month = (total % 12 + 1) as u32;
    let day = (d.day as u32).min(days_in_month(year, month));
    Some(DateTime {
        year: year as u16,
        month: month as u8,
        day: day as u8,
        ..*d
    })
}

/// The kind of a temporal literal: `DATE '…'`, `TIME '…'`, `TIMESTAMP '…'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralKind {
    Date,
    Time,
    Timestamp,
}

/// Fractional digits written in a literal's text ('10:20:30.5' → 1).
fn literal_fsp(s: &str) -> u8 {
    match s.rsplit_once('.') {
        Some((_, frac)) => frac
            .trim_end()
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count()
            .min(6) as u8,
        None => 0,
    }
}

/// A temporal literal and the fractional digits its type shows. Unlike a
/// CAST, an invalid literal is an error: 1525 "Incorrect DATE value: '…'"
/// (as MariaDB 10.11 reports for DATE '2024-02-30').
pub fn literal(kind: LiteralKind, s: &str) -> crate::error::SqlResult<(Value, u8)> {
    let bad =
        |name: &str| crate::error::SqlError::code(1525, format!("Incorrect {name} value: '{s}'"));
    match kind {
        LiteralKind::Date => match parse_datetime(s.as_bytes()) {
            Some(p) if p.complete => Ok((
                Value::Date(DateTime {
                    hour: 0,
                    minute: 0,
                    second: 0,
                    micro: 0,
                    ..p.value
                }),
                0,
            )),
            _ => Err(bad("DATE")),
        },
        LiteralKind::Timestamp => match parse_datetime(s.as_bytes()) {
            Some(p) if p.complete => Ok((Value::DateTime(p.value), literal_fsp(s))),
            _ => Err(bad("DATETIME")),
        },
        LiteralKind::Time => match parse_time(s.as_bytes()) {
            Some((t, false)) => Ok((Value::Time(t), literal_fsp(s))),
            _ => Err(bad("TIME")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(y: u16, mo: u8, d: u8, h: u8, mi: u8, s: u8, micro: u32) -> DateTime {
        DateTime {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            micro,
        }
    }

    #[test]
    fn parses_datetime_forms() {
        let cases: &[(&str, Option<DateTime>)] = &[
            ("2024-01-15", Some(dt(2024, 1, 15, 0, 0, 0, 0))),
            ("2024-01-15 10:20:30", Some(dt(2024, 1, 15, 10, 20, 30, 0))),
            (
                "2024-01-15T10:20:30.5",
                Some(dt(2024, 1, 15, 10, 20, 30, 500000)),
            ),
            ("2024/1/5", Some(dt(2024, 1, 5, 0, 0, 0, 0))),
            ("24-01-15", Some(dt(2024, 1, 15, 0, 0, 0, 0))),
            ("99-01-15", Some(dt(1999, 1, 15, 0, 0, 0, 0))),
            ("20240115", Some(dt(2024, 1, 15, 0, 0, 0, 0))),
            ("20240115102030", Some(dt(2024, 1, 15, 10, 20, 30, 0))),
            ("0000-00-00", Some(dt(0, 0, 0, 0, 0, 0, 0))),
            // MariaDB: '2024-02-30' is not a date (NULL + warning 1292).
            ("2024-02-30", None),
            ("2023-02-29", None),
            ("2024-02-29", Some(dt(2024, 2, 29, 0, 0, 0, 0))),
            ("2024-13-01", None),
            ("2024-01-01 25:00:00", None),
            ("abc", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_datetime(s.as_bytes()).map(|p| p.value), *want, "{s}");
        }
    }

    #[test]
    fn parses_time_forms() {
        let t =
            |s: &str| parse_time(s.as_bytes()).map(|(t, _)| format_time(&t, natural_fsp(t.micro)));
        assert_eq!(t("10:20:30").as_deref(), Some("10:20:30"));
        assert_eq!(t("-1:02").as_deref(), Some("-01:02:00"));
        assert_eq!(t("102030").as_deref(), Some("10:20:30"));
        assert_eq!(t("2 03:00:00").as_deref(), Some("51:00:00"));
        assert_eq!(t("900:00:00").as_deref(), Some("838:59:59"));
        assert_eq!(t("10:20:30.25").as_deref(), Some("10:20:30.250000"));
        assert_eq!(t("10:70:00"), None);
    }

    #[test]
    fn literals() {
        // MariaDB 10.11: DATE '2024-02-30' is ERROR 1525; the others print
        // as shown.
        let e = literal(LiteralKind::Date, "2024-02-30").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1525, "Incorrect DATE value: '2024-02-30'")
        );
        let e = literal(LiteralKind::Timestamp, "2024-01-01 25:00:00").unwrap_err();
        assert_eq!(e.message, "Incorrect DATETIME value: '2024-01-01 25:00:00'");
        let (v, fsp) = literal(LiteralKind::Date, "2024-2-3").unwrap();
        assert_eq!((v, fsp), (Value::Date(dt(2024, 2, 3, 0, 0, 0, 0)), 0));
        let (v, fsp) = literal(LiteralKind::Time, "10:20").unwrap();
        assert_eq!(
            format_time(
                &match v {
                    Value::Time(t) => t,
                    _ => Time::default(),
                },
                fsp
            ),
            "10:20:00"
        );
        let (v, fsp) = literal(LiteralKind::Timestamp, "2024-01-01 10:20:30.5").unwrap();
        assert_eq!(fsp, 1);
        assert_eq!(v, Value::DateTime(dt(2024, 1, 1, 10, 20, 30, 500_000)));
    }

    #[test]
    fn calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(19723), (2024, 1, 1));
        assert_eq!(weekday(&dt(2024, 1, 1, 0, 0, 0, 0)), 0); // a Monday
        assert_eq!(
            add_months(&dt(2024, 1, 31, 0, 0, 0, 0), 1),
            Some(dt(2024, 2, 29, 0, 0, 0, 0))
        );
        assert_eq!(
            datetime_from_number(20240102, 0),
            Some(dt(2024, 1, 2, 0, 0, 0, 0))
        );
        // As MariaDB: the numbers between the forms are not dates (CAST(1
        // AS DATETIME) was '2000-00-01 00:00:00').
        let cases = [
            (1, None),
            (100, None),
            (101, Some(dt(2000, 1, 1, 0, 0, 0, 0))),
            (10000, Some(dt(2001, 0, 0, 0, 0, 0, 0))),
            (691231, Some(dt(2069, 12, 31, 0, 0, 0, 0))),
            (691232, None),
            (700101, Some(dt(1970, 1, 1, 0, 0, 0, 0))),
            (991232, None),
            (10000101, Some(dt(1000, 1, 1, 0, 0, 0, 0))),
            (100000000, None),
            (101000000, Some(dt(2000, 1, 1, 0, 0, 0, 0))),
            (691231235959, Some(dt(2069, 12, 31, 23, 59, 59, 0))),
            (700101000000, Some(dt(1970, 1, 1, 0, 0, 0, 0))),
            (1000000000000, Some(dt(100, 0, 0, 0, 0, 0, 0))),
        ];
        for (n, want) in cases {
            assert_eq!(datetime_from_number(n, 0), want, "{n}");
        }
        // MariaDB truncates: '03:04:05.1234' in DATETIME(3) is .123.
        assert_eq!(
            datetime_fsp(dt(2024, 12, 31, 23, 59, 59, 123_456), 3),
            dt(2024, 12, 31, 23, 59, 59, 123_000)
        );
        assert_eq!(
            format_datetime(&dt(2024, 1, 2, 3, 4, 5, 120000), 3),
            "2024-01-02 03:04:05.120"
        );
    }
}
