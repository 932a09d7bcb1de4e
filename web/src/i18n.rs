//! Every string the page itself shows, in English and Simplified Chinese.
//! kubectl output is never translated: learners see it as the real kubectl
//! prints it.

use crate::waiting::Waiting;

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
    /// Hint while a `kubectl get -w` streams.
    StreamingHint,
    /// Button that ends a streaming watch (Ctrl-C).
    StopWatch,
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
    /// Editor panel title.
    Editor,
    /// Label of the examples menu.
    Examples,
    /// First entry of the examples menu.
    LoadExample,
    /// aria-label of the YAML text area.
    Manifest,
    /// Apply button.
    Apply,
    /// aria-label of the Apply button.
    ApplyLabel,
    /// Delete button of the editor.
    DeleteManifest,
    /// aria-label of the editor's Delete button.
    DeleteManifestLabel,
    /// Shown when the manifest has no problems.
    NoProblems,
    /// aria-label of the problem list.
    Problems,
    /// Prefix of a problem's position.
    Line,
    /// Suffix of a problem's position.
    LineSuffix,
    /// Label of the workload chooser (StatefulSets and Deployments).
    Focus,
    /// Shown when the focused workload does not exist.
    NoWorkload,
    /// How a Deployment's pods differ from a StatefulSet's.
    DeploymentHelp,
    /// What deleting a Deployment does to its ReplicaSets and pods.
    DeleteDeploymentHelp,
    /// Prefix of the owner chip's accessible name.
    OwnedBy,
    /// Owner chip of a pod no controller owns.
    BarePod,
    /// Tooltip of that chip: nothing recreates the pod.
    BarePodHelp,
    /// Button that sets the replica count.
    SetReplicas,
    /// aria-label of the replica count input.
    SetReplicasLabel,
    /// Label of the image input.
    Image,
    /// Button that updates the image.
    UpdateImage,
    /// Label of the partition input.
    Partition,
    /// Button that sets the partition.
    SetPartition,
    /// Explanation of the partition.
    PartitionHelp,
    /// Label of the update strategy choice.
    Strategy,
    /// What each update strategy does.
    StrategyHelp,
    /// Rollout undo button.
    Undo,
    /// Background cascade choice.
    CascadeBackground,
    /// Orphan cascade choice.
    CascadeOrphan,
    /// What happens to PVCs.
    DeleteSetHelp,
    /// Label of podManagementPolicy.
    Policy,
    /// Time controls group label.
    Time,
    /// Play button.
    Play,
    /// Pause button.
    Pause,
    /// Step button.
    Step,
    /// Label of the timeline slider.
    Timeline,
    /// Cluster view title.
    Cluster,
    /// Lane of pods without a node.
    Unscheduled,
    /// Node lane button: power the node off (`docker stop`).
    StopNode,
    /// Node lane button: power the node on (`docker start`).
    StartNode,
    /// What powering a node off does.
    NodeHelp,
    /// Pod card button: `kubectl delete pod --grace-period=0 --force`.
    ForceDelete,
    /// aria-label prefix of the force-delete button.
    ForceDeleteLabel,
    /// Delete button on a pod card.
    DeletePod,
    /// aria-label prefix of the delete pod button.
    DeletePodLabel,
    /// aria-label prefix of inspect buttons.
    InspectLabel,
    /// PVC section title.
    Claims,
    /// Shown when the set has no claims.
    NoClaims,
    /// Claim card: the pod mounting it.
    UsedBy,
    /// Claim card without a pod.
    Unused,
    /// Headless Service section title.
    Service,
    /// Shown when the service does not exist.
    NoService,
    /// DNS row of a pod that is not ready.
    NotInDns,
    /// Inspector title.
    Inspector,
    /// Shown when nothing is inspected.
    InspectorHint,
    /// Close button.
    Close,
    /// Why-waiting panel title.
    Waiting,
    /// Shown when nothing waits.
    NothingWaits,
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
        Key::StreamingHint => (
            "Watching: new lines appear as the cluster changes · Ctrl+C or Enter stops",
            "正在监视：集群变化时会出现新行 · 按 Ctrl+C 或回车停止",
        ),
        Key::StopWatch => ("Stop (Ctrl+C)", "停止 (Ctrl+C)"),
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
        Key::Editor => ("Editor", "编辑器"),
        Key::Examples => ("Examples", "示例"),
        Key::LoadExample => ("Load an example…", "加载示例…"),
        Key::Manifest => ("Manifest (YAML)", "清单（YAML）"),
        Key::Apply => ("Apply", "应用"),
        Key::ApplyLabel => ("Apply the manifest (kubectl apply -f)", "应用清单（kubectl apply -f）"),
        Key::DeleteManifest => ("Delete", "删除"),
        Key::DeleteManifestLabel => ("Delete what the manifest describes (kubectl delete -f)", "删除清单描述的对象（kubectl delete -f）"),
        Key::NoProblems => ("No problems found.", "未发现问题。"),
        Key::Problems => ("Problems in the manifest", "清单中的问题"),
        Key::Line => ("Line ", "第 "),
        Key::LineSuffix => ("", " 行"),
        Key::Focus => ("Workload", "工作负载"),
        Key::NoWorkload => ("This workload does not exist (yet). Apply a manifest from the editor.", "此工作负载（尚）不存在。请在编辑器中应用一个清单。"),
        Key::DeploymentHelp => (
            "Its ReplicaSet starts and removes pods all at once. Their names end in random characters; no claims, no stable DNS names.",
            "其 ReplicaSet 同时创建和删除所有 Pod。Pod 名称以随机字符结尾；没有各自的存储卷声明，也没有稳定的 DNS 名称。",
        ),
        Key::DeleteDeploymentHelp => ("Its ReplicaSets and pods go with it, unless orphaned.", "其 ReplicaSet 及 Pod 会一并删除，除非选择孤立（orphan）。"),
        Key::OwnedBy => ("owned by", "属于"),
        Key::BarePod => ("bare Pod", "裸 Pod"),
        Key::BarePodHelp => ("No controller owns it: once deleted, nothing recreates it.", "没有控制器管理它：删除后不会被重建。"),
        Key::SetReplicas => ("Set", "设置"),
        Key::SetReplicasLabel => ("Replica count", "副本数量"),
        Key::Image => ("Image", "镜像"),
        Key::UpdateImage => ("Update image", "更新镜像"),
        Key::Partition => ("Partition", "分区（partition）"),
        Key::SetPartition => ("Set partition", "设置分区"),
        Key::Strategy => ("Update strategy", "更新策略"),
        Key::StrategyHelp => (
            "RollingUpdate replaces pods in reverse ordinal order; OnDelete updates a pod only when you delete it.",
            "RollingUpdate 按序号从大到小逐个替换 Pod；OnDelete 只在你删除 Pod 时才更新它。",
        ),
        Key::PartitionHelp => ("Only pods with an ordinal ≥ partition are updated.", "只有序号 ≥ 分区值的 Pod 会被更新。"),
        Key::Undo => ("Rollout undo", "回滚（rollout undo）"),
        Key::CascadeBackground => ("Delete its pods too (--cascade=background)", "同时删除其 Pod（--cascade=background）"),
        Key::CascadeOrphan => ("Keep its pods running (--cascade=orphan)", "保留其 Pod 继续运行（--cascade=orphan）"),
        Key::DeleteSetHelp => ("Either way the PersistentVolumeClaims stay, with their data: re-create the StatefulSet and each new pod mounts its old claim again. Delete the claims yourself to free the volumes.", "两种方式都会保留 PersistentVolumeClaim 及其数据：重新创建 StatefulSet 后，每个新 Pod 会再次挂载原来的存储卷声明。要释放卷，需要手动删除这些声明。"),
        Key::Policy => ("Pod management", "Pod 管理策略"),
        Key::Time => ("Time", "时间"),
        Key::Play => ("Play", "播放"),
        Key::Pause => ("Pause", "暂停"),
        Key::Step => ("Next event", "下一个事件"),
        Key::Timeline => ("Rewind to", "回退到"),
        Key::Cluster => ("Cluster", "集群"),
        Key::Unscheduled => ("Not scheduled yet", "尚未调度"),
        Key::StopNode => ("Power off", "关机"),
        Key::StartNode => ("Power on", "开机"),
        Key::NodeHelp => (
            "Power off runs docker stop, as on a kind cluster: after 50 s the node is NotReady; after 300 s its pods are evicted, but StatefulSet pods stay Terminating until the node returns or you force-delete them.",
            "关机会执行 docker stop（与 kind 集群相同）：50 秒后节点变为 NotReady；300 秒后其上的 Pod 被驱逐，但 StatefulSet 的 Pod 会一直处于 Terminating，直到节点恢复或你强制删除它们。",
        ),
        Key::ForceDelete => ("Force", "强制删除"),
        Key::ForceDeleteLabel => ("Force-delete pod", "强制删除 Pod"),
        Key::DeletePod => ("Delete", "删除"),
        Key::DeletePodLabel => ("Delete pod", "删除 Pod"),
        Key::InspectLabel => ("Inspect", "查看"),
        Key::Claims => ("PersistentVolumeClaims", "持久卷声明（PVC）"),
        Key::NoClaims => ("No claims: this StatefulSet has no volumeClaimTemplates.", "没有 PVC：此 StatefulSet 没有 volumeClaimTemplates。"),
        Key::UsedBy => ("used by", "使用者"),
        Key::Unused => ("no pod mounts it now", "当前没有 Pod 挂载"),
        Key::Service => ("Headless Service and DNS", "无头服务与 DNS"),
        Key::NoService => ("does not exist: pods get no DNS names until it is created", "不存在：在创建之前 Pod 没有 DNS 名称"),
        Key::NotInDns => ("not ready, not in DNS yet", "未就绪，尚未加入 DNS"),
        Key::Inspector => ("Inspector", "检查器"),
        Key::InspectorHint => ("Click a pod, claim or the StatefulSet to see its YAML and describe output.", "点击 Pod、PVC 或 StatefulSet，查看其 YAML 和 describe 输出。"),
        Key::Close => ("Close", "关闭"),
        Key::Waiting => ("Why is it waiting?", "为什么在等待？"),
        Key::NothingWaits => ("Nothing is waiting: every pod is where the spec wants it.", "没有等待：每个 Pod 都已符合期望状态。"),
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

/// The "why is it waiting?" sentence for `w`.
pub fn waiting_text(lang: Lang, w: &Waiting) -> String {
    match (lang, w) {
        (Lang::En, Waiting::NotCreated { pod, blocker }) => format!(
            "{pod} is not created yet: OrderedReady waits for {blocker} to be Running and Ready."
        ),
        (Lang::Zh, Waiting::NotCreated { pod, blocker }) => format!(
            "{pod} 尚未创建：OrderedReady 策略要等 {blocker} 处于 Running 且 Ready 状态。"
        ),
        (Lang::En, Waiting::NotDeleted { pod, blocker }) => format!(
            "{pod} is not deleted yet: scale-down removes one pod at a time, highest ordinal first, and waits for {blocker}."
        ),
        (Lang::Zh, Waiting::NotDeleted { pod, blocker }) => format!(
            "{pod} 尚未删除：缩容从最大序号开始，一次删除一个 Pod，要先等 {blocker}。"
        ),
        (Lang::En, Waiting::ClaimPending { pod, claim }) => format!(
            "{pod} is Pending: its PersistentVolumeClaim {claim} is not Bound yet."
        ),
        (Lang::Zh, Waiting::ClaimPending { pod, claim }) => format!(
            "{pod} 处于 Pending：它的持久卷声明 {claim} 尚未绑定（Bound）。"
        ),
        (Lang::En, Waiting::NotReady { pod }) => format!(
            "{pod} is running but not Ready: its readiness probe has not passed yet."
        ),
        (Lang::Zh, Waiting::NotReady { pod }) => {
            format!("{pod} 正在运行但未就绪：就绪探针尚未通过。")
        }
        (Lang::En, Waiting::BelowPartition { pod, partition }) => format!(
            "{pod} keeps the old revision: the partition is {partition}, so only higher ordinals are updated."
        ),
        (Lang::Zh, Waiting::BelowPartition { pod, partition }) => format!(
            "{pod} 保持旧版本：分区值为 {partition}，只有更高序号的 Pod 会被更新。"
        ),
        (Lang::En, Waiting::UpdateWaits { pod, blocker }) => format!(
            "{pod} is not updated yet: the rolling update goes from the highest ordinal down and waits for {blocker}."
        ),
        (Lang::Zh, Waiting::UpdateWaits { pod, blocker }) => format!(
            "{pod} 尚未更新：滚动更新从最大序号往下进行，要先等 {blocker}。"
        ),
        (Lang::En, Waiting::NodeLost { pod, node }) => format!(
            "{pod} is stuck on {node}, which is not running: nobody can confirm it stopped, so the StatefulSet never starts a second {pod}. Power the node on, or force-delete the pod."
        ),
        (Lang::Zh, Waiting::NodeLost { pod, node }) => format!(
            "{pod} 卡在未运行的节点 {node} 上：没有人能确认它已停止，所以 StatefulSet 绝不会再启动第二个 {pod}。请开启该节点，或强制删除这个 Pod。"
        ),
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

    #[test]
    fn the_waiting_sentence_names_both_pods_in_either_language() {
        let w = Waiting::NotCreated {
            pod: "web-2".into(),
            blocker: "web-1".into(),
        };
        assert_eq!(
            waiting_text(Lang::En, &w),
            "web-2 is not created yet: OrderedReady waits for web-1 to be Running and Ready."
        );
        assert!(waiting_text(Lang::Zh, &w).starts_with("web-2 尚未创建"));
    }
}
