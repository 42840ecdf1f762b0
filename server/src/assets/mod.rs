//! The built browser assets (`dist/`, made by `cargo xtask dist`), held in memory and served with
//! the right caching: `embed.js` briefly and revalidated (its content names the current hashed
//! files), hashed `*.{hash}.js|wasm` immutable for a year. Precompressed `.br` / `.gz` siblings
//! are chosen by Accept-Encoding. CORS is open: any site may load them. Served by [`http`].

mod embedded;
pub mod files;
pub mod http;

pub use files::*;
