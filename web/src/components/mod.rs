//! Presentational components: each renders its props and reports clicks as
//! callbacks; none of them touches the simulator.

mod controls;
mod event_list;
mod pod_list;
mod terminal;
mod top_bar;

pub use controls::Controls;
pub use event_list::EventList;
pub use pod_list::{PodList, PodListProps};
pub use terminal::Terminal;
pub use top_bar::TopBar;
