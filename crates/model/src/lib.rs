//! `ordinal-model`: the Kubernetes object model Ordinal's simulator runs on.
//!
//! Objects are generic [`Value`] trees (like apimachinery's unstructured
//! objects). This crate decodes them from YAML or JSON with line and column
//! positions, defaults and validates them with the API server's own messages,
//! and prints them back. It knows nothing about time, controllers or the DOM.
//!
//! The path of a pasted manifest, as `kubectl apply -f` and the API server take it:
//! [`decode::decode_manifest`] (YAML/JSON stream, `kind: List`, kubectl's
//! client checks, strict decoding) → [`defaults::apply_defaults`] →
//! [`validation::validate`] / [`validation::validate_update`] →
//! [`apply::three_way_merge`] for objects that already exist. Printing:
//! [`yaml::to_yaml`] (`-o yaml`), [`json::to_pretty`] (`-o json`),
//! [`json::to_compact`] (annotations, error values).

pub mod apply;
pub mod decode;
pub mod defaults;
pub mod error;
pub mod json;
pub mod kinds;
pub mod labels;
pub mod names;
pub mod order;
pub mod quantity;
pub mod schema;
pub mod validation;
pub mod value;
pub mod yaml;

pub use error::Error;
pub use value::{Map, Value};
