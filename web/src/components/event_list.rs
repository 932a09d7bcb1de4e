//! The namespace's newest events, as `kubectl get events` lists them
//! (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), newest last, with a polite
//! live region that announces each new event to screen readers.

use yew::prelude::*;

use crate::i18n::{t, Key, Lang};
use crate::view::EventRow;

/// Props of [`EventList`].
#[derive(Properties, PartialEq)]
pub struct EventListProps {
    /// Events, oldest first.
    pub events: Vec<EventRow>,
    /// Page language.
    pub lang: Lang,
}

/// The events panel.
#[function_component]
pub fn EventList(props: &EventListProps) -> Html {
    let announcement = props.events.last().map_or(String::new(), |ev| {
        format!("{} {} {}: {}", ev.kind, ev.reason, ev.object, ev.message)
    });
    html! {
        <section class="panel events" aria-labelledby="events-title">
            <h2 id="events-title">{ t(props.lang, Key::Events) }</h2>
            if props.events.is_empty() {
                <p class="empty">{ t(props.lang, Key::NoEvents) }</p>
            } else {
                <div class="table-scroll" tabindex="0" aria-labelledby="events-title">
                    <table id="events">
                        <thead><tr>
                            <th scope="col">{ "LAST SEEN" }</th>
                            <th scope="col">{ "TYPE" }</th>
                            <th scope="col">{ "REASON" }</th>
                            <th scope="col">{ "OBJECT" }</th>
                            <th scope="col">{ "MESSAGE" }</th>
                        </tr></thead>
                        <tbody>
                            { for props.events.iter().map(row) }
                        </tbody>
                    </table>
                </div>
            }
            <p class="sr-only" aria-live="polite" aria-atomic="true">{ announcement }</p>
        </section>
    }
}

fn row(ev: &EventRow) -> Html {
    let class = (ev.kind == "Warning").then_some("warning");
    html! {
        <tr key={ev.name.clone()} {class}>
            <td>{ &ev.last_seen }</td>
            <td>{ &ev.kind }</td>
            <td>{ &ev.reason }</td>
            <td>{ &ev.object }</td>
            <td>{ &ev.message }</td>
        </tr>
    }
}
