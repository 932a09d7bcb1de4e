//! Ordinal web app.
