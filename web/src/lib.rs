//! `ordinal-web`: the playground page. One reducer ([`state::Playground`])
//! owns the terminal session and its simulated cluster; components in
//! [`components`] render props and send actions, never touching the
//! simulator themselves.

pub mod app;
pub mod components;
pub mod sample;
pub mod state;

pub use app::App;
