//! Exact DECIMAL arithmetic on [`Decimal`] (`mantissa * 10^-scale`, i128):
//! parsing, formatting, rounding and the MySQL scale rules.

use crate::value::Decimal;
use std::cmp::Ordering;

/// MySQL's DECIMAL_MAX_SCALE: results never carry more fractional digits.
pub const MAX_SCALE: u8 = 30;
/// Digits an i128 mantissa always holds.
pub const MAX_PRECISION: u8 = 38;
/// `div_precision_increment`: digits `/` adds to the dividend's scale.
pub const DIV_INCREMENT: u8 = 4;

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Decimal {
    pub fn new(mantissa: i128, scale: u8) -> Decimal {
        Decimal { mantissa, scale }
    }
    pub fn from_i64(v: i64) -> Decimal {
        Decimal::new(v as i128, 0)
    }
    pub fn from_u64(v: u64) -> Decimal {
        Decimal::new(v as i128, 0)
    }
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }
    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// Rounds (half away from zero, as MySQL does) or extends to `scale`
    /// fractional digits. None when the mantissa would overflow.
    pub fn rescale(self, scale: u8) -> Option<Decimal> {
        match scale.cmp(&self.scale) {
            Ordering::Equal => Some(self),
            Ordering::Greater => {
                let m = self
                    .mantissa
                    .checked_mul(pow10((scale - self.scale) as u32)?)?;
                Some(Decimal::new(m, scale))
            }
            Ordering::Less => {
                let Some(div) = pow10((self.scale - scale) as u32) else {
                    // More than 38 digits dropped: the value rounds to zero.
                    return Some(Decimal::new(0, scale));
                };
                let q = self.mantissa / div;
                let r = self.mantissa % div;
                let q = if r.unsigned_abs() >= div.unsigned_abs() - r.unsigned_abs() {
                    q + self.mantissa.signum()
                } else {
                    q
                };
                Some(Decimal::new(q, scale))
            }
        }
    }

    /// Drops digits beyond `scale` without rounding (TRUNCATE()).
    pub fn truncate_to(self, scale: u8) -> Decimal {
        if scale >= self.scale {
            return self.rescale(scale).unwrap_or(self);
        }
        match pow10((self.scale - scale) as u32) {
            Some(div) => Decimal::new(self.mantissa / div, scale),
            None => Decimal::new(0, scale),
        }
    }

    /// Total significant digits of the integer part.
    pub fn int_digits(&self) -> u32 {
        let int = (self.mantissa / pow10(self.scale as u32).unwrap_or(i128::MAX)).unsigned_abs();
        if int == 0 {
            0
        } else {
            int.ilog10() + 1
        }
    }

    pub fn abs(self) -> Decimal {
        Decimal::new(self.mantissa.saturating_abs(), self.scale)
    }

    /// Both operands at the larger scale.
    fn aligned(a: Decimal, b: Decimal) -> Option<(i128, i128, u8)> {
        let s = a.scale.max(b.scale);
        Some((a.rescale(s)?.mantissa, b.rescale(s)?.mantissa, s))
    }

    pub fn checked_add(self, b: Decimal) -> Option<Decimal> {
        let (x, y, s) = Decimal::aligned(self, b)?;
        Some(Decimal::new(x.checked_add(y)?, s))
    }

    pub fn checked_sub(self, b: Decimal) -> Option<Decimal> {
        let (x, y, s) = Decimal::aligned(self, b)?;
        Some(Decimal::new(x.checked_sub(y)?, s))
    }

    /// Product at scale s1 + s2 (capped at [`MAX_SCALE`], rounded).
    pub fn checked_mul(self, b: Decimal) -> Option<Decimal> {
        let scale = self.scale as u32 + b.scale as u32;
        match self.mantissa.checked_mul(b.mantissa) {
            Some(m) if scale <= MAX_SCALE as u32 => Some(Decimal::new(m, scale as u8)),
            Some(m) => {
                // Round the exact product (at `scale`) to MAX_SCALE digits.
                let drop = scale - MAX_SCALE as u32;
                let Some(div) = pow10(drop) else {
                    return Some(Decimal::new(0, MAX_SCALE));
                };
                let q = m / div;
                let r = m % div;
                let q = if r.unsigned_abs() >= div.unsigned_abs() - r.unsigned_abs() {
                    q + m.signum()
                } else {
                    q
                };
                Some(Decimal::new(q, MAX_SCALE))
            }
            None => {
                // Too many digits: retry with operands rounded to fewer
                // fractional digits, as the exact product would be cut anyway.
                if self.scale == 0 && b.scale == 0 {
                    return None;
                }
                let (a, b) = if self.scale >= b.scale {
                    (self.rescale(self.scale / 2)?, b)
                } else {
                    (self, b.rescale(b.scale / 2)?)
                };
                a.checked_mul(b)
            }
        }
    }

    /// Quotient at scale `self.scale + DIV_INCREMENT` (capped at 30), rounded
    /// half away from zero. None on division by zero or overflow.
    pub fn checked_div(self, b: Decimal) -> Option<Decimal> {
        if b.is_zero() {
            return None;
        }
        let scale = self.scale.saturating_add(DIV_INCREMENT).min(MAX_SCALE);
        self.div_at_scale(b, scale)
    }

    /// `self / b` rounded to `scale` fractional digits.
    pub fn div_at_scale(self, b: Decimal, scale: u8) -> Option<Decimal> {
        if b.is_zero() {
            return None;
        }
        // q = a.m * 10^(scale + b.s - a.s) / b.m
        let shift = scale as i32 + b.scale as i32 - self.scale as i32;
        let (num, den) = if shift >= 0 {
            (self.mantissa.checked_mul(pow10(shift as u32)?)?, b.mantissa)
        } else {
            (
                self.mantissa,
                b.mantissa.checked_mul(pow10((-shift) as u32)?)?,
            )
        };
        let q = num.checked_div(den)?;
        let r = num.checked_rem(den)?;
        let q = if r.unsigned_abs() >= den.unsigned_abs() - r.unsigned_abs() {
            q + if (num < 0) != (den < 0) { -1 } else { 1 }
        } else {
            q
        };
        Some(Decimal::new(q, scale))
    }

    /// Remainder with the sign of the dividend, at the larger scale.
    pub fn checked_rem(self, b: Decimal) -> Option<Decimal> {
        let (x, y, s) = Decimal::aligned(self, b)?;
        if y == 0 {
            return None;
        }
        Some(Decimal::new(x.checked_rem(y)?, s))
    }

    /// Integer part, truncated toward zero.
    pub fn trunc_i128(&self) -> i128 {
        match pow10(self.scale as u32) {
            Some(p) => self.mantissa / p,
            None => 0,
        }
    }

    /// Rounded to an integer, half away from zero.
    pub fn round_i128(&self) -> i128 {
        self.rescale(0).map(|d| d.mantissa).unwrap_or(0)
    }

    /// Smallest integer not less than the value.
    pub fn ceil_i128(&self) -> i128 {
        let t = self.trunc_i128();
        if self.mantissa > 0 && Decimal::new(t, 0).cmp_value(self) == Ordering::Less {
            t + 1
        } else {
            t
        }
    }

    /// Largest integer not greater than the value.
    pub fn floor_i128(&self) -> i128 {
        let t = self.trunc_i128();
        if self.mantissa < 0 && Decimal::new(t, 0).cmp_value(self) == Ordering::Greater {
            t - 1
        } else {
            t
        }
    }

    pub fn to_f64(&self) -> f64 {
        // Through the decimal text: exact to the nearest double.
        format(self).parse().unwrap_or(0.0)
    }

    /// The decimal nearest to `f` with up to 30 fractional digits and 17
    /// significant ones (a double's precision). None for NaN, infinities and
    /// values beyond 38 digits.
    pub fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        // The shortest text that reads back as `f`: 0.1 becomes 0.1.
        let s = format!("{:e}", f);
        let (mut d, _) = parse_prefix(s.as_bytes())?;
        if d.scale > MAX_SCALE {
            d = d.rescale(MAX_SCALE)?;
        }
        Some(d)
    }

    /// Numeric comparison regardless of scale.
    pub fn cmp_value(&self, b: &Decimal) -> Ordering {
        match Decimal::aligned(*self, *b) {
            Some((x, y, _)) => x.cmp(&y),
            None => self
                .to_f64()
                .partial_cmp(&b.to_f64())
                .unwrap_or(Ordering::Equal),
        }
    }

    /// Whether the value fits DECIMAL(precision, scale) once rounded to `scale`.
    pub fn fits(&self, precision: u8, scale: u8) -> bool {
        match self.rescale(scale) {
            Some(d) => match pow10(precision as u32) {
                Some(limit) => d.mantissa.abs() < limit,
                None => true,
            },
            None => false,
        }
    }

    /// The largest magnitude DECIMAL(precision, scale) holds, with `negative` sign.
    pub fn max_of(precision: u8, scale: u8, negative: bool) -> Decimal {
        let m = pow10(precision.min(MAX_PRECISION) as u32).unwrap_or(i128::MAX) - 1;
        Decimal::new(if negative { -m } else { m }, scale)
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format(self))
    }
}

impl std::ops::Neg for Decimal {
    type Output = Decimal;
    fn neg(self) -> Decimal {
        Decimal::new(self.mantissa.saturating_neg(), self.scale)
    }
}

/// Text form with exactly `scale` fractional digits: "-12.50", "0.003".
pub fn format(d: &Decimal) -> String {
    let digits = d.mantissa.unsigned_abs().to_string();
    let scale = d.scale as usize;
    let mut out = String::with_capacity(digits.len() + 3);
    if d.mantissa < 0 {
        out.push('-');
    }
    if scale == 0 {
        out.push_str(&digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(&digits);
    }
    out
}

/// Parses a decimal number at the start of `s` (after leading whitespace):
/// `[+-]digits[.digits][e[+-]digits]`. Returns the value and the bytes used,
/// or None when no digit starts the text. Digits beyond 38 significant ones
/// are rounded away.
pub fn parse_prefix(s: &[u8]) -> Option<(Decimal, usize)> {
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let mut mantissa: i128 = 0;
    let mut digits = 0u32; // significant digits kept
    let mut scale: i32 = 0;
    let mut any = false;
    let mut dropped_int = 0i32; // integer digits beyond precision
    let mut round_up = false;
    let mut seen_dropped = false;
    while i < s.len() && s[i].is_ascii_digit() {
        any = true;
        let dg = (s[i] - b'0') as i128;
        if digits < MAX_PRECISION as u32 {
            mantissa = mantissa * 10 + dg;
            if mantissa != 0 {
                digits += 1;
            }
        } else {
            if !seen_dropped {
                round_up = dg >= 5;
                seen_dropped = true;
            }
            dropped_int += 1;
        }
        i += 1;
    }
    if i < s.len() && s[i] == b'.' {
        let mut j = i + 1;
        while j < s.len() && s[j].is_ascii_digit() {
            any = true;
            let dg = (s[j] - b'0') as i128;
            if digits < MAX_PRECISION as u32 && scale < MAX_SCALE as i32 && dropped_int == 0 {
                mantissa = mantissa * 10 + dg;
                scale += 1;
                if mantissa != 0 {
                    digits += 1;
                }
            } else if !seen_dropped {
                round_up = dg >= 5;
                seen_dropped = true;
            }
            j += 1;
        }
        if any {
            i = j;
        }
    }
    if !any {
        return None;
    }
    if round_up {
        mantissa += 1;
    }
    let mut exp: i32 = dropped_int;
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        let mut j = i + 1;
        let mut eneg = false;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            eneg = s[j] == b'-';
            j += 1;
        }
        let start = j;
        let mut e: i32 = 0;
        while j < s.len() && s[j].is_ascii_digit() {
            e = e.saturating_mul(10).saturating_add((s[j] - b'0') as i32);
            j += 1;
        }
        if j > start {
            exp += if eneg { -e } else { e };
            i = j;
        }
    }
    // Apply the exponent: value = mantissa * 10^(exp - scale).
    let mut net = exp - scale;
    while net > 0 {
        match mantissa.checked_mul(10) {
            Some(m) => mantissa = m,
            None => {
                mantissa = i128::MAX / 10 * 10;
                break;
            }
        }
        net -= 1;
    }
    let mut d = if net < 0 {
        let s = (-net).min(255) as u8;
        Decimal::new(mantissa, s)
    } else {
        Decimal::new(mantissa, 0)
    };
    if d.scale > MAX_SCALE {
        d = d.rescale(MAX_SCALE).unwrap_or(Decimal::new(0, MAX_SCALE));
    }
    if negative {
        d = -d;
    }
    Some((d, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        parse_prefix(s.as_bytes()).expect("decimal").0
    }

    #[test]
    fn parse_and_format() {
        for (input, text) in [
            ("0.1", "0.1"),
            ("-12.500", "-12.500"),
            ("007", "7"),
            (".5", "0.5"),
            ("1.5e2", "150"),
            ("1.25e-1", "0.125"),
            ("-0.003", "-0.003"),
            ("  42abc", "42"),
        ] {
            assert_eq!(format(&d(input)), text, "{input}");
        }
        assert!(parse_prefix(b"abc").is_none());
        assert!(parse_prefix(b"-.").is_none());
    }

    #[test]
    fn arithmetic_scales() {
        // Values from MariaDB 10.11.
        assert_eq!(format(&d("0.1").checked_add(d("0.2")).unwrap()), "0.3");
        assert_eq!(format(&d("1.50").checked_mul(d("2.5")).unwrap()), "3.750");
        assert_eq!(format(&d("1").checked_div(d("3")).unwrap()), "0.3333");
        assert_eq!(format(&d("2").checked_div(d("3")).unwrap()), "0.6667");
        assert_eq!(format(&d("1.0").checked_div(d("3")).unwrap()), "0.33333");
        assert_eq!(format(&d("-7").checked_rem(d("2")).unwrap()), "-1");
        assert!(d("1").checked_div(d("0")).is_none());
    }

    #[test]
    fn rounding() {
        assert_eq!(format(&d("2.5").rescale(0).unwrap()), "3");
        assert_eq!(format(&d("-2.5").rescale(0).unwrap()), "-3");
        assert_eq!(format(&d("1.234").rescale(2).unwrap()), "1.23");
        assert_eq!(format(&d("1.235").rescale(2).unwrap()), "1.24");
        assert_eq!(format(&d("1.239").truncate_to(2)), "1.23");
        assert_eq!(d("-1.5").floor_i128(), -2);
        assert_eq!(d("-1.5").ceil_i128(), -1);
        assert_eq!(d("1.2").ceil_i128(), 2);
        assert!(d("999.99").fits(5, 2));
        assert!(!d("999.995").fits(5, 2));
    }

    #[test]
    fn from_double() {
        assert_eq!(format(&Decimal::from_f64(0.1).unwrap()), "0.1");
        assert_eq!(format(&Decimal::from_f64(-2.5e3).unwrap()), "-2500");
        assert_eq!(Decimal::from_f64(f64::NAN), None);
    }
}
