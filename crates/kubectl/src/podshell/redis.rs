//! A tiny Redis for redis images: `redis-cli` ping/set/get/del/keys/dbsize,
//! with the keys stored per data volume so they survive pod re-creation.

use super::PodCtx;
use crate::transcript::CommandOutput;
use ordinal_core::Sim;

/// Most keys one redis holds.
pub const MAX_REDIS_KEYS: usize = 10_000;

pub(super) fn redis_cli(sim: &mut Sim, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let (key, _) = ctx.volume_for(sim, "/data/dump.rdb");
    let db = sim.redis_db(&key);
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .skip_while(|a| a.starts_with('-'))
        .collect();
    let Some(command) = words.first() else {
        return;
    };
    match (command.to_ascii_lowercase().as_str(), &words[1..]) {
        ("ping", _) => out.outln("PONG"),
        ("set", [k, v, ..]) => {
            if db.len() < MAX_REDIS_KEYS || db.contains_key(*k) {
                db.insert(k.to_string(), v.to_string());
            }
            out.outln("OK");
        }
        ("get", [k]) => match db.get(*k) {
            Some(v) => out.outln(&format!("\"{v}\"")),
            None => out.outln("(nil)"),
        },
        ("del", keys) => {
            let n = keys.iter().filter(|k| db.remove(**k).is_some()).count();
            out.outln(&format!("(integer) {n}"));
        }
        ("keys", _) => {
            if db.is_empty() {
                out.outln("(empty array)");
            }
            for (i, k) in db.keys().enumerate() {
                out.outln(&format!("{}) \"{k}\"", i + 1));
            }
        }
        ("dbsize", _) => out.outln(&format!("(integer) {}", db.len())),
        (other, _) => out.outln(&format!(
            "(error) ERR unknown command '{other}', with args beginning with: "
        )),
    }
}
