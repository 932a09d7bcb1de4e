//! The page's URL parameters, so a course page can pick the cluster a
//! lesson needs: `?nodes=kind-control-plane,kind-worker&seed=7&version=1.33`
//! takes the same settings, with the same meaning, as a transcript's `#!`
//! headers (see `ordinal_kubectl::shell::config_from_settings`). The URL
//! stays the same across a reload, so the autosaved log replays on the same
//! cluster.

use ordinal_core::config::SimConfig;
use ordinal_kubectl::shell::config_from_settings;

/// Longest query string read, in bytes.
pub const MAX_QUERY_BYTES: usize = 4_096;

/// `%XX` escapes and `+` decoded; malformed escapes are kept as they are.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `key=value` pairs of a query string (with or without its `?`).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    if query.len() > MAX_QUERY_BYTES {
        return Vec::new();
    }
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// The cluster a query string asks for.
pub fn config_of(query: &str) -> SimConfig {
    let pairs = parse_query(query);
    config_from_settings(|key| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    })
}

/// The cluster the page's own URL asks for.
pub fn page_config() -> SimConfig {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    config_of(&query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_seed_and_version_come_from_the_query() {
        let config =
            config_of("?nodes=kind-control-plane%2Ckind-worker,kind-worker2&seed=7&version=1.33");
        let names: Vec<&str> = config.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["kind-control-plane", "kind-worker", "kind-worker2"]);
        assert_eq!(config.seed, 7);
        assert_eq!(config.minor_version, 33);
    }

    #[test]
    fn a_missing_or_bad_query_gives_the_default_cluster() {
        assert_eq!(config_of(""), SimConfig::default());
        assert_eq!(config_of("?nodes=&seed=x"), SimConfig::default());
        assert_eq!(config_of("?nodes=Bad%20Name"), SimConfig::default());
        assert_eq!(config_of("%zz=%"), SimConfig::default());
    }
}
