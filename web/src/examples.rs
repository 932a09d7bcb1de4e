//! The examples menu: the seed lessons' manifests, copied into
//! `web/examples/`. The first one is what the playground starts with.

/// One example manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable id, used in element ids and tests.
    pub id: &'static str,
    /// Menu label (object names, the same in every language).
    pub label: &'static str,
    /// The manifest.
    pub text: &'static str,
}

/// Every example, in menu order.
pub const EXAMPLES: [Example; 6] = [
    Example {
        id: "nginx-web",
        label: "nginx · web (StatefulSet basics)",
        text: include_str!("../examples/nginx-web.yaml"),
    },
    Example {
        id: "redis",
        label: "Redis · redis",
        text: include_str!("../examples/redis.yaml"),
    },
    Example {
        id: "web-demo",
        label: "nginx · web-demo (namespace demo)",
        text: include_str!("../examples/web-demo.yaml"),
    },
    Example {
        id: "eureka",
        label: "Eureka · eureka (Parallel)",
        text: include_str!("../examples/eureka.yaml"),
    },
    Example {
        id: "deployment-contrast",
        label: "Deployment nginx vs StatefulSet web (contrast)",
        text: include_str!("../examples/deployment-contrast.yaml"),
    },
    Example {
        id: "storage",
        label: "PVC + Pod (storage basics)",
        text: include_str!("../examples/storage.yaml"),
    },
];

/// File name the starting manifest is saved under in the virtual working directory.
pub const SAMPLE_FILE: &str = "web.yaml";

/// The manifest applied when the playground starts.
pub const SAMPLE_MANIFEST: &str = EXAMPLES[0].text;

/// The example with this id.
pub fn by_id(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}
