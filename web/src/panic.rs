//! The panic hook: instead of leaving a dead page, a Rust panic shows a
//! banner that offers to reload (the autosave brings the session back) or to
//! reset the saved commands and reload. The banner is plain DOM with inline
//! handlers so it works even though the wasm instance cannot run again.

use std::cell::Cell;

use crate::i18n::{t, Key, Lang};
use crate::storage::ALL_KEYS;

/// One element of the banner: tag, text and attributes.
type Part<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

thread_local! {
    static BANNER_LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Installs the hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| show_banner(&info.to_string())));
}

/// The language the banner is written in (the page's current language).
pub fn set_banner_lang(lang: Lang) {
    BANNER_LANG.with(|cell| cell.set(lang));
}

/// Puts the error banner (id `crash`) at the top of the page.
pub fn show_banner(detail: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    if doc.get_element_by_id("crash").is_some() {
        return;
    }
    let lang = BANNER_LANG.with(Cell::get);
    let Ok(banner) = doc.create_element("div") else {
        return;
    };
    banner.set_id("crash");
    banner.set_class_name("crash");
    let _ = banner.set_attribute("role", "alert");
    let removes: String = ALL_KEYS
        .iter()
        .map(|key| format!("localStorage.removeItem('{key}');"))
        .collect();
    let reset = format!("try{{{removes}}}catch(e){{}}location.reload()");
    let parts: [Part; 5] = [
        ("strong", t(lang, Key::CrashTitle), &[]),
        ("p", t(lang, Key::CrashBody), &[]),
        (
            "button",
            t(lang, Key::Reload),
            &[("onclick", "location.reload()"), ("class", "primary")],
        ),
        (
            "button",
            t(lang, Key::ResetAndReload),
            &[("onclick", &reset)],
        ),
        ("pre", detail, &[]),
    ];
    for (tag, text, attributes) in parts {
        if let Ok(el) = doc.create_element(tag) {
            el.set_text_content(Some(text));
            for (name, value) in attributes {
                let _ = el.set_attribute(name, value);
            }
            let _ = banner.append_child(&el);
        }
    }
    let _ = body.insert_before(&banner, body.first_child().as_ref());
}
