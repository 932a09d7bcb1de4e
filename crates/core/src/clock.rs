//! Virtual time: milliseconds since the Unix epoch, RFC 3339 formatting and
//! parsing, and Go `time.Duration` text for kubelet messages.
//!
//! The simulated cluster starts at [`START_MS`] (2026-01-01T00:00:00Z); nothing
//! reads the host clock.

/// The instant a fresh simulation starts: 2026-01-01T00:00:00Z in Unix milliseconds.
pub const START_MS: u64 = 1_767_225_600_000;

const MS_PER_DAY: u64 = 86_400_000;

/// RFC 3339 text with second precision, as `metav1.Time` marshals (`2026-01-01T00:00:05Z`).
pub fn rfc3339(ms: u64) -> String {
    let mut out = [0u8; 20];
    write_seconds(&mut out, ms);
    out[19] = b'Z';
    ascii(&out)
}

/// RFC 3339 text with microseconds, as `metav1.MicroTime` marshals (event `eventTime`).
pub fn rfc3339_micro(ms: u64) -> String {
    let mut out = [0u8; 27];
    write_seconds(&mut out, ms);
    out[19] = b'.';
    write_padded(&mut out[20..26], (ms % 1000) * 1000);
    out[26] = b'Z';
    ascii(&out)
}

/// Text of ASCII digits and separators (always UTF-8).
fn ascii(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_default()
}

/// Writes `YYYY-MM-DDTHH:MM:SS` into the first 19 bytes (every timestamp
/// the objects carry is written here, so it avoids the formatting
/// machinery and grows no string).
fn write_seconds(out: &mut [u8], ms: u64) {
    let days = ms / MS_PER_DAY;
    let secs_of_day = (ms % MS_PER_DAY) / 1000;
    let (y, m, d) = civil_from_days(days as i64);
    write_padded(&mut out[..4], y.unsigned_abs());
    for (at, sep, n) in [
        (4, b'-', u64::from(m)),
        (7, b'-', u64::from(d)),
        (10, b'T', secs_of_day / 3600),
        (13, b':', (secs_of_day / 60) % 60),
        (16, b':', secs_of_day % 60),
    ] {
        out[at] = sep;
        write_padded(&mut out[at + 1..at + 3], n);
    }
}

/// Writes `n` in decimal, zero-padded to fill `out` (its lowest digits
/// when it has more).
fn write_padded(out: &mut [u8], mut n: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.frac]Z` into Unix milliseconds.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !text.ends_with('Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<u64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let frac_ms = match text.get(19..text.len() - 1) {
        Some("") => 0,
        Some(f) if f.starts_with('.') => {
            let digits: String = f[1..].chars().chain("000".chars()).take(3).collect();
            digits.parse::<u64>().ok()?
        }
        _ => return None,
    };
    let days = days_from_civil(y as i64, mo as u32, d as u32);
    if days < 0 {
        return None;
    }
    Some(days as u64 * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + frac_ms)
}

/// Go's `time.Duration.String()` of a duration truncated to milliseconds
/// (`523ms`, `1.5s`, `1m2.003s`), as the kubelet's pull messages print it.
pub fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let hours = ms / 3_600_000;
    let minutes = (ms / 60_000) % 60;
    let secs = (ms / 1000) % 60;
    let frac = ms % 1000;
    let mut out = String::new();
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if hours > 0 || minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    out.push_str(&secs.to_string());
    if frac > 0 {
        let f = format!("{frac:03}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out.push('s');
    out
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_is_new_year_2026() {
        assert_eq!(rfc3339(START_MS), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(START_MS + 65_400), "2026-01-01T00:01:05Z");
        assert_eq!(rfc3339(START_MS + 59 * MS_PER_DAY), "2026-03-01T00:00:00Z");
    }

    #[test]
    fn parse_inverts_format() {
        for ms in [START_MS, START_MS + 123_456_000, 951_782_400_000] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        }
        assert_eq!(
            parse_rfc3339("2026-01-01T00:00:00.250Z"),
            Some(START_MS + 250)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn timestamps_are_zero_padded_like_go() {
        for ms in [
            0,
            951_782_400_999,
            START_MS + 86_399_999,
            253_402_300_799_000,
        ] {
            let days = ms / MS_PER_DAY;
            let secs = (ms % MS_PER_DAY) / 1000;
            let (y, m, d) = civil_from_days(days as i64);
            let (h, mi, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
            let want = format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
            assert_eq!(rfc3339(ms), format!("{want}Z"));
            assert_eq!(
                rfc3339_micro(ms),
                format!("{want}.{:06}Z", (ms % 1000) * 1000)
            );
        }
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn micro_time_has_six_fraction_digits() {
        assert_eq!(
            rfc3339_micro(START_MS + 1_234),
            "2026-01-01T00:00:01.234000Z"
        );
    }

    #[test]
    fn go_duration_matches_time_duration_string() {
        assert_eq!(go_duration(523), "523ms");
        assert_eq!(go_duration(1_500), "1.5s");
        assert_eq!(go_duration(1_234), "1.234s");
        assert_eq!(go_duration(62_003), "1m2.003s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
    }
}
