//! The kubectl help texts and field descriptions, loaded on demand: the page
//! leaves them out of the wasm (they are about as large as the simulator's
//! own code) and loads `docs.txt` only when a terminal line needs them
//! ([`ordinal_kubectl::docs::needs_docs`]). The offline single file inlines
//! the blob as `<script type="text/plain" id="ordinal-docs">` (file:// pages
//! cannot fetch), read from there when present.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use ordinal_kubectl::docs::Docs;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::XmlHttpRequest;

/// The asset Trunk copies into dist/ (index.html, `rel="copy-file"`).
pub const DOCS_URL: &str = "docs.txt";
/// The element the offline page inlines the blob in.
pub const INLINE_ID: &str = "ordinal-docs";

thread_local! {
    static LOADED: RefCell<Option<Arc<Docs>>> = const { RefCell::new(None) };
}

/// The docs, once loaded.
pub fn loaded() -> Option<Arc<Docs>> {
    LOADED.with(|d| d.borrow().clone())
}

/// Keeps `docs` for every session from now on (snapshots and replays too).
pub fn remember(docs: Arc<Docs>) {
    LOADED.with(|d| *d.borrow_mut() = Some(docs));
}

/// The inlined blob with the offline page's escapes undone (`<\/` for `</`
/// and `<\!--` for `<!--`, so that the text cannot end its script element).
fn unescape_inline(text: &str) -> String {
    text.replace("<\\/", "</").replace("<\\!--", "<!--")
}

/// Loads the docs (inlined, else fetched beside the page) and calls `done`
/// with them, or with the one-line error the terminal shows.
pub fn load(done: impl FnOnce(Result<Arc<Docs>, String>) + 'static) {
    if let Some(docs) = loaded() {
        return done(Ok(docs));
    }
    let inline = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(INLINE_ID))
        .and_then(|e| e.text_content());
    if let Some(text) = inline {
        let docs = Arc::new(Docs::parse(&unescape_inline(&text)));
        remember(Arc::clone(&docs));
        return done(Ok(docs));
    }
    let failed = |why: &str| format!("error: could not load the kubectl help texts ({why})");
    let Ok(request) = XmlHttpRequest::new() else {
        return done(Err(failed("no XMLHttpRequest")));
    };
    if request.open("GET", DOCS_URL).is_err() {
        return done(Err(failed("bad request")));
    }
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = {
        let request = request.clone();
        let done = Rc::clone(&done);
        Closure::<dyn FnMut()>::new(move || {
            let Some(done) = done.borrow_mut().take() else {
                return;
            };
            let status = request.status().unwrap_or(0);
            match request.response_text() {
                Ok(Some(text)) if status == 200 => {
                    let docs = Arc::new(Docs::parse(&text));
                    remember(Arc::clone(&docs));
                    done(Ok(docs));
                }
                _ if status == 0 => done(Err(failed("network error"))),
                _ => done(Err(failed(&format!("HTTP {status}")))),
            }
        })
    };
    request.set_onloadend(Some(finish.as_ref().unchecked_ref()));
    // The request holds the only reference to its handler; it runs once.
    finish.forget();
    if request.send().is_err() {
        if let Some(done) = done.borrow_mut().take() {
            done(Err(failed("network error")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_escapes_come_undone() {
        assert_eq!(
            unescape_inline("a <\\/script> <\\!-- b"),
            "a </script> <!-- b"
        );
    }
}
