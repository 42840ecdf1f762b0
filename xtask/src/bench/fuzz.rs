//! `fuzz`: every cargo-fuzz target of `fuzz/` for 5 minutes (`--quick`: 75 s), continuing from
//! the corpus earlier runs on this machine kept. A finding fails the part (see `crate::fuzz`).

use super::{
    Ctx,
    report::{Row, Section, Verdict},
};
use crate::fuzz;

pub fn run(ctx: &Ctx) -> anyhow::Result<Section> {
    let secs = ctx.secs(300).as_secs();
    let runs = fuzz::fuzz(fuzz::TARGETS, secs)?;
    let mut s = Section::new("fuzz", "Fuzzing");
    for r in &runs {
        s.rows.push(Row::new(
            format!("fuzz `{}`: failing inputs", r.target),
            "0",
            if r.ok {
                "0".to_string()
            } else {
                "FOUND (fuzz/artifacts)".to_string()
            },
            Verdict::of(r.ok),
            format!(
                "{} inputs in {:.0} s ({:.0}/s), coverage {} edges, corpus {} inputs",
                r.execs,
                r.secs,
                r.execs as f64 / r.secs.max(1.0),
                r.cov,
                r.corpus
            ),
        ));
    }
    s.data = serde_json::json!(runs.iter().map(|r| serde_json::json!({
        "target": r.target, "ok": r.ok, "execs": r.execs, "secs": r.secs, "cov": r.cov, "corpus": r.corpus,
    })).collect::<Vec<_>>());
    s.notes.push(format!(
        "cargo-fuzz {} (libFuzzer, address sanitizer, -O), RUSTC_BOOTSTRAP=1 on the stable toolchain; seeds from the project's own samples (YCLIENTS fixtures, a tracker batch and record, one value of each widget API type); {secs} s per target. Targets: beacon (protocol::beacon::decode, what POST /api/v1/t runs), widget_api (every protocol type: decode + round trip), yclients_answer (decode_response for every model the client reads, any status; webhook deliveries), tracker_record (the tracker's stored visit, from its own sources).",
        fuzz::CARGO_FUZZ_VERSION
    ));
    Ok(s)
}
