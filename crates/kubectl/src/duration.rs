//! Human-readable durations as kubectl prints them in AGE, LAST SEEN,
//! `RESTARTS (12s ago)` and describe's event ages. Mirrors
//! `k8s.io/apimachinery/pkg/util/duration.HumanDuration`.

/// Formats an elapsed time given in milliseconds the way kubectl's AGE column does.
pub fn human_duration(elapsed_ms: i64) -> String {
    let seconds = elapsed_ms / 1000;
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{days}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Formats whole seconds the way Go prints a `time.Duration` (`30s`, `1m30s`, `2h0m0s`).
pub fn go_duration_seconds(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    fn age(seconds: i64) -> String {
        human_duration(seconds * 1000)
    }

    #[test]
    fn follows_the_documented_examples() {
        assert_eq!(age(5), "5s");
        assert_eq!(age(119), "119s");
        assert_eq!(age(123), "2m3s");
        assert_eq!(age(300), "5m");
        assert_eq!(age(600), "10m");
        assert_eq!(age(179 * 60), "179m");
        assert_eq!(age(3 * 3600 + 4 * 60), "3h4m");
        assert_eq!(age(5 * 3600), "5h");
        assert_eq!(age(8 * 3600), "8h");
        assert_eq!(age(47 * 3600), "47h");
        assert_eq!(age(2 * 86400 + 3 * 3600), "2d3h");
        assert_eq!(age(7 * 86400), "7d");
        assert_eq!(age(45 * 86400), "45d");
        assert_eq!(age(729 * 86400), "729d");
        assert_eq!(age((3 * 365 + 20) * 86400), "3y20d");
        assert_eq!(age(9 * 365 * 86400), "9y");
    }

    #[test]
    fn tolerates_small_clock_skew() {
        assert_eq!(human_duration(-1500), "0s");
        assert_eq!(human_duration(-999), "0s");
        assert_eq!(human_duration(-2000), "<invalid>");
    }
}

/// Go's `time.ParseDuration`: a signed sequence of decimal numbers, each
/// with a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), e.g. `1h30m` or
/// `1.5s`; nanoseconds, or Go's error text.
pub fn parse_go_duration(text: &str) -> Result<i64, String> {
    let invalid = || {
        format!(
            "time: invalid duration {}",
            ordinal_model::validation::go_quote(text)
        )
    };
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    let mut s = rest;
    while !s.is_empty() {
        let number_len = s
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len());
        let number = &s[..number_len];
        if number.is_empty() || number == "." {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        s = &s[number_len..];
        let unit_len = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let scale = match &s[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    ordinal_model::validation::go_quote(text)
                ))
            }
            unit => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    ordinal_model::validation::go_quote(unit),
                    ordinal_model::validation::go_quote(text)
                ))
            }
        };
        total += value * scale;
        s = &s[unit_len..];
    }
    if total > i64::MAX as f64 {
        return Err(invalid());
    }
    let ns = total.round() as i64;
    Ok(if negative { -ns } else { ns })
}

#[cfg(test)]
mod go_duration_tests {
    use super::parse_go_duration;

    #[test]
    fn parses_as_go_does() {
        assert_eq!(parse_go_duration("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse_go_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_go_duration("-5s"), Ok(-5_000_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("300ms"), Ok(300_000_000));
        assert_eq!(
            parse_go_duration("abc"),
            Err("time: invalid duration \"abc\"".to_string())
        );
        assert_eq!(
            parse_go_duration("5"),
            Err("time: missing unit in duration \"5\"".to_string())
        );
        assert_eq!(
            parse_go_duration("5x"),
            Err("time: unknown unit \"x\" in duration \"5x\"".to_string())
        );
    }
}
