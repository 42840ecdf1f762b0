//! The assets held in memory and how each is answered (a component of `App`; no handlers here).

use std::{collections::HashMap, path::Path, sync::Arc};

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use crate::util::crypto::hex;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=300, must-revalidate";

#[derive(Debug)]
struct Asset {
    content_type: &'static str,
    etag: String,
    immutable: bool,
    identity: Vec<u8>,
    gzip: Option<Vec<u8>>,
    brotli: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Default)]
pub struct Assets {
    files: Arc<HashMap<String, Asset>>,
}

impl Assets {
    /// Loads every file of `dir` (not recursive). A missing dir gives the assets embedded in
    /// the binary (a build with `--features embed-assets`), else an empty set and a warning: the
    /// API still works, the embed does not.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if !super::embedded::DIST.is_empty() => {
                tracing::info!(dir = %dir.display(), reason = %e, files = super::embedded::DIST.len(), "serving the assets embedded in this binary");
                return Ok(Self::embedded_dist());
            }
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "no built assets; run `cargo xtask dist`");
                return Ok(Self::default());
            }
        };
        let mut files = HashMap::new();
        for entry in entries {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                let name = entry.file_name().to_string_lossy().into_owned();
                files.insert(name, std::fs::read(entry.path())?);
            }
        }
        let assets = Self::from_files(files);
        tracing::info!(dir = %dir.display(), files = assets.files.len(), "assets loaded");
        Ok(assets)
    }

    /// The built assets embedded at compile time (empty without `embed-assets`).
    pub fn embedded_dist() -> Self {
        Self::from_static(super::embedded::DIST)
    }

    /// The demo site embedded at compile time (empty without `embed-assets`).
    pub fn embedded_site() -> Self {
        Self::from_static(super::embedded::SITE)
    }

    fn from_static(files: &[(&str, &[u8])]) -> Self {
        Self::from_files(
            files
                .iter()
                .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
                .collect(),
        )
    }

    /// One asset per file; `x.gz` / `x.br` are the precompressed forms of `x`, and `.json`
    /// files (build manifests) are not served.
    fn from_files(mut all: HashMap<String, Vec<u8>>) -> Self {
        let names: Vec<String> = all.keys().cloned().collect();
        let mut files = HashMap::new();
        for name in names {
            if name.ends_with(".gz") || name.ends_with(".br") || name.ends_with(".json") {
                continue;
            }
            let Some(identity) = all.remove(&name) else {
                continue;
            };
            let etag = format!("\"{}\"", &hex(&Sha256::digest(&identity))[..16]);
            let asset = Asset {
                content_type: content_type(&name),
                etag,
                immutable: is_hashed(&name),
                gzip: all.get(&format!("{name}.gz")).cloned(),
                brotli: all.get(&format!("{name}.br")).cloned(),
                identity,
            };
            files.insert(name, asset);
        }
        Self {
            files: Arc::new(files),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// The built wasm modules, `(name, hash)` of each `name.<hash>.js` with its `.wasm`.
    pub fn modules(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.keys().filter_map(|f| {
            let stem = f.strip_suffix(".js")?;
            let (name, hash) = stem.rsplit_once('.')?;
            let wasm = [stem, ".wasm"].concat();
            (is_hashed(f) && self.files.contains_key(&wasm)).then_some((name, hash))
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The response for `name`, or `None` when there is no such asset.
    pub fn respond(&self, name: &str, req: &HeaderMap) -> Option<Response> {
        let a = self.files.get(name)?;
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(a.content_type),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if a.immutable { IMMUTABLE } else { SHORT }),
        );
        headers.insert(
            header::ETAG,
            HeaderValue::from_str(&a.etag).expect("hex etag"),
        );
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(
            "cross-origin-resource-policy",
            HeaderValue::from_static("cross-origin"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        let not_modified = req
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == a.etag || t.trim() == "*"));
        if not_modified {
            return Some((StatusCode::NOT_MODIFIED, headers).into_response());
        }
        let accept = req
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let body = match (&a.brotli, &a.gzip) {
            (Some(br), _) if accepts(accept, "br") => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                br.clone()
            }
            (_, Some(gz)) if accepts(accept, "gzip") => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                gz.clone()
            }
            _ => a.identity.clone(),
        };
        Some((StatusCode::OK, headers, Body::from(body)).into_response())
    }
}

/// Whether an Accept-Encoding value accepts `coding` (present and not `q=0`).
fn accepts(accept: &str, coding: &str) -> bool {
    accept.split(',').any(|part| {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim();
        let q_zero = it.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q == 0.0))
        });
        name.eq_ignore_ascii_case(coding) && !q_zero
    })
}

/// `name.0123456789.ext`: ten hex digits between the stem and the extension.
pub fn is_hashed(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (_ext, hash) = (parts.next(), parts.next());
    hash.is_some_and(|h| h.len() == 10 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        && parts.next().is_some()
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("widget.0a1b2c3d4e.wasm"));
        assert!(!is_hashed("embed.js"));
        assert!(!is_hashed("0a1b2c3d4e.js"));
    }

    #[test]
    fn accept_encoding_honours_q_zero() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(accepts("BR;q=0.5", "br"));
        assert!(!accepts("", "gzip"));
    }
}
