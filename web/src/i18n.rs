//! Every string the page itself shows, in English and Simplified Chinese.
//! kubectl output is never translated: learners see it as the real kubectl
//! prints it.

/// A language the page can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The language for a BCP 47 tag such as `navigator.language` (`zh-CN` → Chinese).
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The tag for the html `lang` attribute and for saving.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        }
    }

    /// The other language, for the switch button.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }
}

/// A translatable UI string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Tagline under the title.
    Tagline,
    /// Controls panel title.
    StatefulSetTitle,
    /// Prefix of the replica readout.
    Replicas,
    /// aria-label of the − button.
    ScaleDown,
    /// aria-label of the + button.
    ScaleUp,
    /// aria-label of the speed button group.
    Speed,
    /// Tooltip of the virtual clock.
    ClockTitle,
    /// Pods panel title.
    Pods,
    /// Shown when there are no pods.
    NoPods,
    /// Pod card without an IP.
    NoIp,
    /// Pod card without a node.
    NotScheduled,
    /// Terminal panel title.
    Terminal,
    /// aria-label of the command input.
    CommandInput,
    /// Hint under the command input.
    TerminalHint,
    /// Events panel title.
    Events,
    /// Shown when there are no events.
    NoEvents,
    /// Label of the language switch (names the other language).
    SwitchLanguage,
    /// aria-label of the language switch.
    SwitchLanguageLabel,
    /// Reset button.
    Reset,
    /// aria-label of the reset button.
    ResetLabel,
    /// Notice when localStorage is unavailable.
    StorageUnavailable,
    /// Notice after a saved session was restored.
    Restored,
    /// Title of the error banner.
    CrashTitle,
    /// Body of the error banner.
    CrashBody,
    /// Reload button of the error banner.
    Reload,
    /// Reset-and-reload button of the error banner.
    ResetAndReload,
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    let (en, zh) = match key {
        Key::Tagline => (
            "A StatefulSet playground: a simulated cluster running in your browser.",
            "StatefulSet 演练场：在浏览器中运行的模拟集群。",
        ),
        Key::StatefulSetTitle => ("StatefulSet web", "StatefulSet web"),
        Key::Replicas => ("Replicas", "副本数"),
        Key::ScaleDown => ("Scale down by one", "缩容一个副本"),
        Key::ScaleUp => ("Scale up by one", "扩容一个副本"),
        Key::Speed => ("Speed", "速度"),
        Key::ClockTitle => ("virtual time since start", "自启动以来的虚拟时间"),
        Key::Pods => ("Pods", "Pod 列表"),
        Key::NoPods => ("No pods yet.", "还没有 Pod。"),
        Key::NoIp => ("no IP yet", "尚无 IP"),
        Key::NotScheduled => ("not scheduled", "尚未调度"),
        Key::Terminal => ("Terminal", "终端"),
        Key::CommandInput => ("Command line", "命令行"),
        Key::TerminalHint => (
            "Enter runs · ↑/↓ history · Tab completes",
            "回车执行 · ↑/↓ 历史命令 · Tab 补全",
        ),
        Key::Events => ("Events", "事件"),
        Key::NoEvents => ("No events yet.", "还没有事件。"),
        Key::SwitchLanguage => ("中文", "English"),
        Key::SwitchLanguageLabel => ("切换到中文", "Switch to English"),
        Key::Reset => ("Reset", "重置"),
        Key::ResetLabel => (
            "Reset the cluster and forget saved commands",
            "重置集群并清除已保存的命令",
        ),
        Key::StorageUnavailable => (
            "Storage is unavailable here, so your commands will not be saved.",
            "此处无法使用本地存储，你的命令不会被保存。",
        ),
        Key::Restored => (
            "Your saved commands were replayed.",
            "已重放你保存的命令。",
        ),
        Key::CrashTitle => ("Something went wrong", "出错了"),
        Key::CrashBody => (
            "The playground hit an internal error. Reload to continue where you left off, or reset to start fresh.",
            "演练场遇到内部错误。重新加载可从上次的位置继续，或重置以重新开始。",
        ),
        Key::Reload => ("Reload", "重新加载"),
        Key::ResetAndReload => ("Reset and reload", "重置并重新加载"),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_browser_tags_choose_chinese_and_others_english() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("ZH-tw"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn both_languages_differ_where_words_are_translated() {
        assert_eq!(t(Lang::En, Key::Pods), "Pods");
        assert_eq!(t(Lang::Zh, Key::Pods), "Pod 列表");
        assert_eq!(t(Lang::Zh.other(), Key::Reset), "Reset");
    }
}
