//! Structured logs. `RUST_LOG` filters (default `info`); `ZAPIS_LOG=json` for JSON lines.
//! Never log a token, a password, a phone or a name: log ids.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub fn init() {
    init_with("info,sqlx=warn,tower_http=warn");
}

/// For tests: warnings only unless `RUST_LOG` says otherwise (their output is not captured
/// for tasks the test spawns).
pub fn init_for_tests() {
    init_with("warn,sqlx=error");
}

fn init_with(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let json = std::env::var("ZAPIS_LOG").is_ok_and(|v| v == "json");
    let registry = tracing_subscriber::registry().with(filter);
    // try_init: tests call this more than once in one process.
    let _ = if json {
        registry
            .with(fmt::layer().json().with_current_span(false))
            .try_init()
    } else {
        registry.with(fmt::layer().compact()).try_init()
    };
}
