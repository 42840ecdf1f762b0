//! A scripted HTTP server that answers with the reference's documented samples, for
//! decoding and retry tests.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use tokio::time::Instant;
use yclients::Client;

/// One scripted answer.
#[derive(Clone)]
pub struct Canned {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
    pub delay: Duration,
}

impl Canned {
    /// A fixture file from `tests/fixtures/`.
    pub fn fixture(status: u16, name: &str) -> Canned {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let body = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Canned {
            status,
            body,
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn json(status: u16, body: &str) -> Canned {
        Canned {
            status,
            body: body.to_owned(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Canned {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// A request the server saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub query: String,
    pub authorization: String,
    pub accept: String,
    pub body: String,
    pub at: Instant,
}

#[derive(Default)]
struct Script {
    answers: HashMap<String, VecDeque<Canned>>,
    seen: Vec<Seen>,
}

pub struct FixtureServer {
    base: String,
    script: Arc<Mutex<Script>>,
}

impl FixtureServer {
    pub async fn start() -> FixtureServer {
        let script = Arc::new(Mutex::new(Script::default()));
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FixtureServer { base, script }
    }

    /// Answers for a path, in order; the last one repeats.
    pub fn script(&self, path: &str, answers: Vec<Canned>) {
        self.script
            .lock()
            .unwrap()
            .answers
            .insert(path.to_owned(), answers.into());
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.script.lock().unwrap().seen.clone()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }

    /// A client of this server with quick retries and no budget.
    pub fn client(&self) -> Client {
        Client::builder("partner-fixture-token")
            .base_url(&self.base)
            .user_token("user-fixture-token")
            .timeout(Duration::from_secs(2))
            .retry(super::fast_retry())
            .rate_limit(None)
            .build()
            .unwrap()
    }
}

async fn answer(State(script): State<Arc<Mutex<Script>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let body =
        String::from_utf8_lossy(&to_bytes(body, 1 << 20).await.unwrap_or_default()).into_owned();
    let path = parts.uri.path().to_owned();
    let canned = {
        let mut script = script.lock().unwrap();
        script.seen.push(Seen {
            path: path.clone(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
            authorization: header("authorization"),
            accept: header("accept"),
            body,
            at: Instant::now(),
        });
        let queue = script.answers.get_mut(&path);
        match queue {
            Some(q) if q.len() > 1 => q.pop_front(),
            Some(q) => q.front().cloned(),
            None => None,
        }
    };
    let Some(canned) = canned else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("no script"))
            .unwrap();
    };
    tokio::time::sleep(canned.delay).await;
    let mut response = Response::builder()
        .status(canned.status)
        .header("content-type", "application/json");
    for (name, value) in &canned.headers {
        response = response.header(*name, value);
    }
    response.body(Body::from(canned.body)).unwrap()
}
