//! `ordinal-kubectl`: kubectl's commands, flags, printers and messages, and
//! the tiny shell inside pods, on top of `ordinal-core`.

pub mod duration;
pub mod printers;
pub mod tabwriter;
pub mod transcript;
