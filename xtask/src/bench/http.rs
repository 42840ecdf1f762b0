//! A small HTTP/1.1 client over `std::net::TcpStream` (keep-alive, Content-Length and chunked
//! bodies) and the load shapes the bench needs: a fixed request rate (open loop, latency counted
//! from each request's scheduled time, so a slow server cannot hide its queue) and closed-loop
//! senders that finish their last request before stopping (so every sent request is answered and
//! counted). Plain OS threads: the loads here are hundreds to a few thousand requests a second.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpStream},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

/// One request to send.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: &'static str,
    /// Path and query.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: "GET",
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn post(path: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        Self {
            method: "POST",
            path: path.into(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn encode(&self, host: &SocketAddr) -> Vec<u8> {
        let mut out = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: zapis-bench\r\n",
            self.method, self.path
        );
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        if !self.body.is_empty() || self.method == "POST" {
            out.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "status {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A keep-alive connection to one address; reconnects when the server closed it.
pub struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
    timeout: Duration,
    /// The local address to connect from (`None`: the system picks).
    source: Option<std::net::IpAddr>,
}

impl Conn {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            stream: None,
            timeout: Duration::from_secs(30),
            source: None,
        }
    }

    /// Connects from `ip` (any of 127.0.0.0/8 works on loopback): one simulated client, one
    /// address, as the server's per-IP limits see real visitors.
    pub fn bind_to(mut self, ip: std::net::IpAddr) -> Self {
        self.source = Some(ip);
        self
    }

    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    fn connect(&mut self) -> anyhow::Result<&mut BufReader<TcpStream>> {
        if self.stream.is_none() {
            let s = match self.source {
                None => TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)),
                Some(ip) => {
                    use socket2::{Domain, Socket, Type};
                    let socket = Socket::new(Domain::for_address(self.addr), Type::STREAM, None)?;
                    socket.bind(&SocketAddr::new(ip, 0).into())?;
                    socket
                        .connect_timeout(&self.addr.into(), Duration::from_secs(5))
                        .map(|()| socket.into())
                }
            }
            .with_context(|| format!("connecting to {}", self.addr))?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(self.timeout))?;
            s.set_write_timeout(Some(self.timeout))?;
            self.stream = Some(BufReader::with_capacity(64 * 1024, s));
        }
        Ok(self.stream.as_mut().expect("connected"))
    }

    /// Sends `req` and reads the whole answer. A request on a kept-alive connection that the
    /// server had closed meanwhile is retried once on a new connection (nothing was received).
    pub fn send(&mut self, req: &Req) -> anyhow::Result<Resp> {
        let bytes = req.encode(&self.addr);
        let reused = self.stream.is_some();
        match self.exchange(&bytes) {
            Ok(r) => Ok(r),
            Err(e) if reused && e.downcast_ref::<Closed>().is_some() => {
                self.stream = None;
                self.exchange(&bytes)
            }
            Err(e) => {
                self.stream = None;
                Err(e)
            }
        }
    }

    fn exchange(&mut self, bytes: &[u8]) -> anyhow::Result<Resp> {
        let s = self.connect()?;
        // A failure before the first byte of the answer: the server had closed the connection.
        let mut line = String::new();
        if s.get_mut().write_all(bytes).is_err()
            || !matches!(s.read_line(&mut line), Ok(n) if n > 0)
        {
            self.stream = None;
            return Err(Closed.into());
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            if s.read_line(&mut line)? == 0 {
                bail!("connection closed in the headers");
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
                match k.as_str() {
                    "content-length" => length = v.parse::<usize>().ok(),
                    "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                    "connection" => close = v.eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if status == 204 || status == 304 || (100..200).contains(&status) {
            // No body by definition.
        } else if chunked {
            loop {
                line.clear();
                s.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .context("bad chunk size")?;
                if size == 0 {
                    line.clear();
                    s.read_line(&mut line)?;
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                s.read_exact(&mut body[start..])?;
                let mut crlf = [0u8; 2];
                s.read_exact(&mut crlf)?;
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            s.read_exact(&mut body)?;
        } else {
            s.read_to_end(&mut body)?;
            close = true;
        }
        if close {
            self.stream = None;
        }
        Ok(Resp { status, body })
    }
}

#[derive(Debug)]
struct Closed;
impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed by the server")
    }
}
impl std::error::Error for Closed {}

/// One-off request on a fresh connection.
pub fn send(addr: SocketAddr, req: &Req) -> anyhow::Result<Resp> {
    Conn::new(addr).send(req)
}

/// Latencies (µs) and outcomes of a load run.
#[derive(Default, Debug, Clone)]
pub struct Samples {
    pub latencies_us: Vec<u64>,
    pub ok: u64,
    /// Answers that were not 2xx, by status (0 = transport error).
    pub errors: std::collections::BTreeMap<u16, u64>,
    pub elapsed: Duration,
}

impl Samples {
    pub fn merge(&mut self, other: Samples) {
        self.latencies_us.extend(other.latencies_us);
        self.ok += other.ok;
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        self.elapsed += other.elapsed;
    }

    pub fn record(&mut self, latency: Duration, status: u16) {
        self.latencies_us.push(latency.as_micros() as u64);
        if (200..300).contains(&status) {
            self.ok += 1;
        } else {
            *self.errors.entry(status).or_default() += 1;
        }
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// The q-quantile (0..=1) in milliseconds, nearest-rank.
    pub fn pct_ms(&self, q: f64) -> f64 {
        percentile_us(&self.latencies_us, q) as f64 / 1000.0
    }

    pub fn rate(&self) -> f64 {
        self.latencies_us.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

pub fn percentile_us(values: &[u64], q: f64) -> u64 {
    if values.is_empty() {
        return 0;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// Several targets under the same load at the same time: request `i` goes to target
/// `i % targets.len()` (each target's requests round-robin), at `rate_each` requests per second
/// per target, so that every target meets the same moments of machine noise. Each of the
/// `workers` threads keeps one keep-alive connection per target. Latency runs from the request's scheduled send time to the end of its answer (open loop), so
/// time spent queued behind a slow answer counts.
pub fn fixed_rate_mixed(
    targets: &[(SocketAddr, Vec<Req>)],
    rate_each: f64,
    duration: Duration,
    workers: usize,
) -> Vec<Samples> {
    let n = targets.len() as u64;
    let total = (rate_each * n as f64 * duration.as_secs_f64()).round() as u64;
    let interval = Duration::from_secs_f64(1.0 / (rate_each * n as f64));
    let next = Arc::new(AtomicU64::new(0));
    let targets = Arc::new(targets.to_vec());
    let start = Instant::now() + Duration::from_millis(50);
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (next, targets) = (next.clone(), targets.clone());
            std::thread::spawn(move || {
                let mut conns: Vec<Conn> = targets
                    .iter()
                    .map(|(a, _)| Conn::new(*a).timeout(Duration::from_secs(10)))
                    .collect();
                let mut s: Vec<Samples> = vec![Samples::default(); targets.len()];
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let (t, k) = ((i % n) as usize, (i / n) as usize);
                    let due = start + interval.mul_f64(i as f64);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let reqs = &targets[t].1;
                    let status = conns[t].send(&reqs[k % reqs.len()]).map_or(0, |r| r.status);
                    s[t].record(due.elapsed(), status);
                }
                s
            })
        })
        .collect();
    let mut all: Vec<Samples> = vec![Samples::default(); n as usize];
    for h in handles {
        for (t, s) in h.join().unwrap_or_default().into_iter().enumerate() {
            all[t].merge(s);
        }
    }
    for s in &mut all {
        s.elapsed = start.elapsed();
    }
    all
}

/// `senders` threads each send what `next(sender, i)` makes, back to back, until `duration`
/// has passed; each finishes the request it has in flight. `on_answer` sees every answer.
pub fn closed_loop<F, A>(
    addr: SocketAddr,
    senders: usize,
    duration: Duration,
    next: F,
    on_answer: A,
) -> Samples
where
    F: Fn(usize, u64) -> Req + Send + Sync + 'static,
    A: Fn(&Resp) + Send + Sync + 'static,
{
    let next = Arc::new(next);
    let on_answer = Arc::new(on_answer);
    let start = Instant::now();
    let deadline = start + duration;
    let handles: Vec<_> = (0..senders)
        .map(|n| {
            let (next, on_answer) = (next.clone(), on_answer.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::new(addr);
                let mut s = Samples::default();
                let mut i = 0;
                while Instant::now() < deadline {
                    let req = next(n, i);
                    i += 1;
                    let t = Instant::now();
                    match conn.send(&req) {
                        Ok(r) => {
                            s.record(t.elapsed(), r.status);
                            on_answer(&r);
                        }
                        Err(_) => s.record(t.elapsed(), 0),
                    }
                }
                s
            })
        })
        .collect();
    let mut all = Samples::default();
    for h in handles {
        all.merge(h.join().unwrap_or_default());
    }
    all.elapsed = start.elapsed();
    all
}

/// A small deterministic RNG (xorshift64*), so that runs send the same mix.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `[lo, hi)`.
    pub fn range_f64(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }

    /// 32 lowercase hex chars.
    pub fn hex_id(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }

    /// An index in `0..n` drawn with weight 1/(k+1) (a Zipf-like popularity).
    pub fn zipf(&mut self, n: usize) -> usize {
        let total: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
        let mut x = self.range_f64(0.0, total);
        for k in 1..=n {
            x -= 1.0 / k as f64;
            if x <= 0.0 {
                return k - 1;
            }
        }
        n.saturating_sub(1)
    }
}
