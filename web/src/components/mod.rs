//! Presentational components: each renders its props and reports clicks as
//! callbacks; none of them touches the simulator.

mod controls;
mod pod_list;
mod terminal;

pub use controls::Controls;
pub use pod_list::{PodList, PodListProps};
pub use terminal::Terminal;
