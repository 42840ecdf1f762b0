//! The browser assets (`dist/`) and the demo site (`demo-site/`) compiled into the binary by
//! `build.rs` when the `embed-assets` feature is on (the release builds of `cargo xtask`), so
//! that one file runs the product with nothing beside it. Without the feature both are empty and
//! the files are read from disk, as in development. A `dist/` on disk (`ZAPIS_DIST`) always
//! wins over what is embedded.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
