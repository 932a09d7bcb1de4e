//! The crate's error type, for callers that want one `Result` over the
//! decoding steps; each step also returns its own precise error.

use crate::json::JsonError;
use crate::quantity::QuantityError;
use crate::yaml::YamlError;

/// Anything that can go wrong turning text into objects.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A YAML syntax or conversion error (go-yaml's text).
    #[error("{}", .0.message)]
    Yaml(YamlError),
    /// A JSON syntax error.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// A malformed quantity.
    #[error(transparent)]
    Quantity(#[from] QuantityError),
    /// A malformed label selector (apimachinery's text).
    #[error("{0}")]
    Selector(String),
}

impl From<YamlError> for Error {
    fn from(e: YamlError) -> Self {
        Error::Yaml(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_the_upstream_text() {
        let e: Error = crate::quantity::Quantity::parse("1gb").unwrap_err().into();
        assert_eq!(e.to_string(), crate::quantity::FORMAT_ERROR);
        let y = crate::yaml::parse_stream("a: 1\nb: c: d\n").error.unwrap();
        assert_eq!(
            Error::from(y).to_string(),
            "yaml: line 2: mapping values are not allowed in this context"
        );
    }
}
