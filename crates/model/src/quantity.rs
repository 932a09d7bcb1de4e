//! Resource quantities (`500m`, `1Gi`, `1.5G`): parsing, canonical printing and
//! comparison, mirroring `k8s.io/apimachinery/pkg/api/resource/quantity.go`.
//!
//! A quantity is stored as an exact count of nano-units plus the format its
//! suffix chose (binary, decimal or exponent), which decides how it prints.
//! Values are rounded up to nano precision, as apimachinery does.

use std::cmp::Ordering;
use std::fmt;

/// The largest magnitude accepted, in nano-units (about 10^33 units).
pub const MAX_NANOS: i128 = 10i128.pow(36);
/// Longest quantity string accepted.
pub const MAX_QUANTITY_LEN: usize = 64;

/// apimachinery's `ErrFormatWrong` text.
pub const FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// Why a quantity string was refused (texts as apimachinery's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// The string does not match the quantity grammar.
    #[error("{}", FORMAT_ERROR)]
    Format,
    /// The number part is not a number.
    #[error("unable to parse numeric part of quantity")]
    Numeric,
    /// The suffix is not a known one.
    #[error("unable to parse quantity's suffix")]
    Suffix,
}

/// How a quantity prints, chosen by the suffix it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `Ki`, `Mi`, `Gi` ...
    BinarySI,
    /// `m`, `k`, `M`, `G` ... or no suffix.
    DecimalSI,
    /// `1e3`.
    DecimalExponent,
}

/// A parsed resource quantity.
#[derive(Debug, Clone, Copy)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

const NANO: i128 = 1_000_000_000;

impl Quantity {
    /// Parses a quantity such as `1Gi`, `500m`, `1.5`, `2e3`.
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        if text.is_empty() || text.len() > MAX_QUANTITY_LEN {
            return Err(QuantityError::Format);
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        let negative = match bytes[0] {
            b'-' => {
                i = 1;
                true
            }
            b'+' => {
                i = 1;
                false
            }
            _ => false,
        };
        let num_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let number = &text[num_start..i];
        let suffix = &text[i..];
        if number.is_empty() || !suffix_shape_ok(suffix) {
            return Err(QuantityError::Format);
        }
        let (whole, frac) = match number.split_once('.') {
            Some((w, f)) => (w, f),
            None => (number, ""),
        };
        if frac.contains('.') || (whole.is_empty() && frac.is_empty()) {
            return Err(QuantityError::Numeric);
        }
        let (base, exponent, format) = parse_suffix(suffix).ok_or(QuantityError::Suffix)?;
        let nanos = scaled_nanos(whole, frac, base, exponent).ok_or(QuantityError::Numeric)?;
        Ok(Quantity {
            nanos: if negative { -nanos } else { nanos },
            format,
        })
    }

    /// A decimal quantity of `milli` thousandths (`500` → `500m`).
    pub fn from_milli(milli: i64) -> Quantity {
        Quantity {
            nanos: milli as i128 * 1_000_000,
            format: Format::DecimalSI,
        }
    }

    /// A quantity of whole units in the given format (`1073741824`, BinarySI → `1Gi`).
    pub fn from_units(units: i64, format: Format) -> Quantity {
        Quantity {
            nanos: units as i128 * NANO,
            format,
        }
    }

    /// The value in thousandths, rounded up (apimachinery `MilliValue`).
    pub fn milli_value(&self) -> i64 {
        clamp_i64(div_ceil(self.nanos, 1_000_000))
    }

    /// The value in whole units, rounded up (apimachinery `Value`).
    pub fn value(&self) -> i64 {
        clamp_i64(div_ceil(self.nanos, NANO))
    }

    /// The format the quantity prints in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// True when the quantity is zero.
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }
}

fn clamp_i64(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

fn div_ceil(a: i128, b: i128) -> i128 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) == 0 {
        q
    } else {
        q + 1
    }
}

/// The suffix part of `^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`.
fn suffix_shape_ok(suffix: &str) -> bool {
    let letters = suffix
        .bytes()
        .take_while(|b| b"eEinumkKMGTP".contains(b))
        .count();
    let mut rest = &suffix.as_bytes()[letters..];
    if let Some((b'+' | b'-', tail)) = rest.split_first() {
        rest = tail;
    }
    rest.iter().all(u8::is_ascii_digit)
}

/// Returns (base, exponent, format) for a suffix.
fn parse_suffix(suffix: &str) -> Option<(i128, i32, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSI));
    let binary = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let rest = suffix.strip_prefix(['e', 'E'])?;
            let exponent: i32 = rest.parse().ok()?;
            if !(-40..=40).contains(&exponent) {
                return None;
            }
            Some((10, exponent, Format::DecimalExponent))
        }
    }
}

/// `whole.frac * base^exponent` in nano-units, rounded up; None on overflow.
fn scaled_nanos(whole: &str, frac: &str, base: i128, exponent: i32) -> Option<i128> {
    let digits = format!("{}{}", whole.trim_start_matches('0'), frac);
    let digits = digits.trim_start_matches('0');
    if digits.len() > 40 {
        return None;
    }
    let mantissa: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    // value = mantissa * base^exponent / 10^frac_len; nanos = value * 10^9.
    let mut numerator = mantissa.checked_mul(NANO)?;
    let mut denominator: i128 = 10i128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    if exponent >= 0 {
        numerator = numerator.checked_mul(base.checked_pow(exponent as u32)?)?;
    } else {
        denominator = denominator.checked_mul(base.checked_pow(exponent.unsigned_abs())?)?;
    }
    let nanos = div_ceil(numerator, denominator);
    (nanos <= MAX_NANOS).then_some(nanos)
}

impl fmt::Display for Quantity {
    /// apimachinery's canonical form (`1536Mi`, `500m`, `1G`, `2e3`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let abs = self.nanos.abs();
        let mut format = self.format;
        if format == Format::BinarySI && (abs < 1024 * NANO || abs % NANO != 0) {
            format = Format::DecimalSI;
        }
        if format == Format::BinarySI {
            let mut units = abs / NANO;
            let mut suffix = 0;
            while suffix < 6 && units != 0 && units % 1024 == 0 {
                units /= 1024;
                suffix += 1;
            }
            let name = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][suffix];
            return write!(f, "{sign}{units}{name}");
        }
        if abs == 0 {
            return f.write_str("0");
        }
        // mantissa * 10^(3k - 9) with the largest exponent that keeps it whole.
        let mut mantissa = abs;
        let mut exponent = -9;
        while mantissa % 1000 == 0 && exponent < 18 {
            mantissa /= 1000;
            exponent += 3;
        }
        if format == Format::DecimalExponent {
            return if exponent == 0 {
                write!(f, "{sign}{mantissa}")
            } else {
                write!(f, "{sign}{mantissa}e{exponent}")
            };
        }
        let name = match exponent {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            _ => "E",
        };
        write!(f, "{sign}{mantissa}{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Quantity::parse(s)
            .map(|q| q.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn canonical_forms_match_apimachinery() {
        assert_eq!(canon("1Gi"), "1Gi");
        assert_eq!(canon("1.5Gi"), "1536Mi");
        assert_eq!(canon("1024Mi"), "1Gi");
        assert_eq!(canon("500m"), "500m");
        assert_eq!(canon("0.5"), "500m");
        assert_eq!(canon("1G"), "1G");
        assert_eq!(canon("1000M"), "1G");
        assert_eq!(canon("1.5G"), "1500M");
        assert_eq!(canon("100"), "100");
        assert_eq!(canon("512"), "512");
        assert_eq!(canon("0.5Ki"), "512");
        assert_eq!(canon("1e3"), "1e3");
        assert_eq!(canon("0"), "0");
        assert_eq!(canon("2000"), "2k");
        // Checked with kubectl create quota --dry-run=client -o yaml.
        assert_eq!(canon("1.5"), "1500m");
        assert_eq!(canon("2000m"), "2");
        assert_eq!(canon("100m"), "100m");
        assert_eq!(canon("0.1"), "100m");
    }

    #[test]
    fn values_round_up() {
        let q = Quantity::parse("1.5").unwrap();
        assert_eq!(q.value(), 2);
        assert_eq!(q.milli_value(), 1500);
        assert_eq!(Quantity::parse("1Gi").unwrap().value(), 1 << 30);
    }

    #[test]
    fn ordering_compares_amounts_not_text() {
        assert!(Quantity::parse("1Gi").unwrap() > Quantity::parse("1G").unwrap());
        assert_eq!(
            Quantity::parse("1024Mi").unwrap(),
            Quantity::parse("1Gi").unwrap()
        );
    }

    #[test]
    fn bad_quantities_give_apimachinery_errors() {
        assert_eq!(
            Quantity::parse("1gb").unwrap_err().to_string(),
            FORMAT_ERROR
        );
        assert_eq!(Quantity::parse("abc").unwrap_err(), QuantityError::Format);
        assert_eq!(Quantity::parse("1Gb").unwrap_err(), QuantityError::Format);
        assert_eq!(Quantity::parse("1mi").unwrap_err(), QuantityError::Suffix);
        assert_eq!(
            Quantity::parse("1.2.3").unwrap_err(),
            QuantityError::Numeric
        );
        assert!(Quantity::parse("9999999999999999999999999999999999999E").is_err());
    }
}
