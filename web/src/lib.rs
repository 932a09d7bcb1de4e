//! `ordinal-web`: the playground page. One reducer ([`state::Playground`])
//! owns the terminal session and its simulated cluster; components in
//! [`components`] render props and send actions, never touching the
//! simulator themselves. [`storage`], [`url`] and [`panic`] are the browser
//! edges.

pub mod app;
pub mod completion;
pub mod components;
pub mod diagnostics;
pub mod docs;
pub mod examples;
pub mod i18n;
pub mod panic;

pub mod state;
pub mod storage;
pub mod url;
pub mod view;
pub mod waiting;

pub use app::App;

/// A User Timing mark (`performance.mark`), read by the browser benchmark
/// (bench/frames.mjs) to split the time to first render into its phases.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
