//! The real `zapis` binary as a child process (crash and restart tests): started on a config
//! file with the sandbox's tokens in `CRASH_PARTNER_TOKEN`/`CRASH_USER_TOKEN`, killed with
//! SIGKILL when dropped.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

use yclients::sandbox::Sandbox;

/// The server process, killed with SIGKILL when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(config: &std::path::Path, sandbox: &Sandbox) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zapis"))
        .arg("--config")
        .arg(config)
        .env("CRASH_PARTNER_TOKEN", sandbox.partner_token())
        .env("CRASH_USER_TOKEN", sandbox.user_token())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("zapis starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("zapis says where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("zapis listening on ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    // Keep reading so the pipe never fills.
    std::thread::spawn(move || for _ in lines {});
    Server { child, base }
}
