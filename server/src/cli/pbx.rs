//! `zapis pbx`: a PBX simulator for the demo and tests. It places a call the way a visitor
//! would: reads the number the site shows a visitor (`--vid`, as the page asks for it) or takes
//! `--number`, then posts the call's notifications to the site's PBX webhook in the generic
//! format — started, answered, finished, and the recording a moment later — or a missed call.

use std::time::Duration;

use serde_json::{Value, json};

/// One simulated call.
#[derive(Debug, Clone, clap::Args)]
pub struct PbxCall {
    /// The zapis server (`http://127.0.0.1:8080`).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The site key.
    #[arg(long, default_value = "demo")]
    pub site: String,
    /// The site's PBX webhook secret (`zapis demo` prints the demo's). Env: `ZAPIS_PBX_SECRET`.
    #[arg(long, env = "ZAPIS_PBX_SECRET", hide_env_values = true)]
    pub secret: String,
    /// Call the number this visitor is shown (their tracker id, 32 hex).
    #[arg(long, conflicts_with = "number")]
    pub vid: Option<String>,
    /// Or call this number.
    #[arg(long)]
    pub number: Option<String>,
    /// The caller's phone.
    #[arg(long, default_value = "+7 916 555-00-01")]
    pub caller: String,
    /// Seconds of talk; 0 makes a missed call.
    #[arg(long, default_value_t = 95)]
    pub talk: u64,
    /// The SIP extension that answers.
    #[arg(long)]
    pub sip: Option<String>,
    /// How many calls to place (each its own call id).
    #[arg(long, default_value_t = 1)]
    pub count: u32,
}

/// The notifications of one call, in order (generic format).
pub fn notifications(
    call_id: &str,
    caller: &str,
    called: &str,
    talk: u64,
    sip: Option<&str>,
    start: i64,
) -> Vec<Value> {
    let at = |secs: u64| (start + secs as i64 * 1000).to_string();
    let base = |event: &str, when: String| {
        let mut v = json!({"call_id": call_id, "event": event, "caller": caller, "called": called, "at": when});
        if let Some(s) = sip {
            v["sip"] = json!(s);
        }
        v
    };
    if talk == 0 {
        let mut end = base("finished", at(20));
        end["answered"] = json!(false);
        return vec![base("started", at(0)), end];
    }
    let mut end = base("finished", at(5 + talk));
    end["duration"] = json!(talk);
    end["answered"] = json!(true);
    vec![
        base("started", at(0)),
        base("answered", at(5)),
        end,
        json!({"call_id": call_id, "event": "recording", "recording_url": format!("https://pbx.example/recordings/{call_id}.mp3")}),
    ]
}

/// Places the calls; prints what it did.
pub async fn run(c: PbxCall) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let base = c.url.trim_end_matches('/');
    let called = match (&c.vid, &c.number) {
        (Some(vid), _) => {
            let shown: Value = http
                .get(format!("{base}/api/v1/sites/{}/number", c.site))
                .query(&[("vid", vid.as_str()), ("consent", "1")])
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            println!(
                "visitor {vid} is shown {} ({})",
                shown["number"], shown["kind"]
            );
            shown["tel"].as_str().unwrap_or_default().to_owned()
        }
        (None, Some(n)) => n.clone(),
        (None, None) => anyhow::bail!("give --vid (call the number a visitor sees) or --number"),
    };
    let hook = format!("{base}/hooks/pbx/{}/{}", c.site, c.secret);
    for _ in 0..c.count {
        let call_id = format!("sim-{:016x}", rand::random::<u64>());
        let start = jiff::Timestamp::now().as_millisecond();
        for n in notifications(
            &call_id,
            &c.caller,
            &called,
            c.talk,
            c.sip.as_deref(),
            start,
        ) {
            let res = http.post(&hook).json(&n).send().await?;
            let status = res.status();
            anyhow::ensure!(
                status.is_success(),
                "the webhook answered {status}: {}",
                res.text().await.unwrap_or_default()
            );
        }
        println!(
            "call {call_id}: {} → {called}, {}",
            c.caller,
            if c.talk == 0 {
                "missed".to_owned()
            } else {
                format!("{} s, recording posted", c.talk)
            }
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answered_call_is_four_notifications_and_a_missed_one_two() {
        let n = notifications("c", "+79165550001", "+74951204520", 95, Some("101"), 0);
        let events: Vec<&str> = n.iter().map(|v| v["event"].as_str().unwrap()).collect();
        assert_eq!(events, ["started", "answered", "finished", "recording"]);
        assert_eq!(n[2]["duration"], 95);
        assert_eq!(n[0]["sip"], "101");
        let m = notifications("c", "+79165550001", "+74951204520", 0, None, 0);
        assert_eq!(m.len(), 2);
        assert_eq!(m[1]["answered"], false);
        // Each decodes with the generic adapter.
        let zone = jiff::tz::TimeZone::UTC;
        for v in n.iter().chain(&m) {
            crate::calls::pbx::decode(v.to_string().as_bytes(), None, &zone, 0).unwrap();
        }
    }
}
