//! The `ordinal` command.

fn main() {}
