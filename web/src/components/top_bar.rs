//! The page header: title, tagline, the language switch, the Reset button
//! and the storage notice.

use yew::prelude::*;

use crate::i18n::{t, Key, Lang};

/// Props of [`TopBar`].
#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    /// Page language.
    pub lang: Lang,
    /// A notice to show (storage unavailable, session restored), if any.
    pub notice: Option<Key>,
    /// Called with the language to switch to.
    pub on_lang: Callback<Lang>,
    /// Called when Reset is pressed.
    pub on_reset: Callback<()>,
}

/// The header bar.
#[function_component]
pub fn TopBar(props: &TopBarProps) -> Html {
    let lang = props.lang;
    let switch = {
        let cb = props.on_lang.clone();
        Callback::from(move |_| cb.emit(lang.other()))
    };
    let reset = props.on_reset.reform(|_: MouseEvent| ());
    html! {
        <header class="top">
            <h1>{ "Ordinal" }</h1>
            <p class="tagline">{ t(lang, Key::Tagline) }</p>
            if let Some(notice) = props.notice {
                <p id="notice" class="notice" role="status">{ t(lang, notice) }</p>
            }
            <div class="actions">
                <button id="lang-switch" lang={lang.other().tag()} onclick={switch}
                    aria-label={t(lang, Key::SwitchLanguageLabel)}>{ t(lang, Key::SwitchLanguage) }</button>
                <button id="reset" onclick={reset} aria-label={t(lang, Key::ResetLabel)}>{ t(lang, Key::Reset) }</button>
            </div>
        </header>
    }
}
