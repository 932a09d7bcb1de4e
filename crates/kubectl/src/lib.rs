//! `ordinal-kubectl`: kubectl's commands, flags, printers and messages, and
//! the tiny shell inside pods, on top of `ordinal-core`. The same code runs
//! natively (tests, the `ordinal` CLI) and in the browser.

pub mod cmd;
pub mod describe;
pub mod docs;
pub mod duration;
pub mod jsonpatch;
pub mod podshell;
pub mod printers;
pub mod shell;
pub mod tabwriter;
pub mod transcript;

pub use shell::Session;
pub use transcript::{CommandOutput, Shell};
