//! Presentational components: each renders its props and reports clicks as
//! callbacks or reducer actions; none of them touches the simulator.

mod cluster;
mod controls;
mod editor;
mod event_list;
mod inspector;
mod terminal;
mod time_bar;
mod top_bar;

pub use cluster::{Cluster, ClusterProps};
pub use controls::Controls;
pub use editor::Editor;
pub use event_list::EventList;
pub use inspector::{Inspector, WaitingList};
pub use terminal::Terminal;
pub use time_bar::TimeBar;
pub use top_bar::TopBar;
