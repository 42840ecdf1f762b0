//! Where a visit came from: the server classifies each touch the tracker reports (its landing URL
//! with the query, its referrer, and the campaign parameters it read) into a [`Channel`], a
//! source and a medium. The tracker only reports what it saw (DESIGN.md §4); the rules live here,
//! once, for ingest (each new session's touch) and for bookings (the first and last touch the
//! widget passes on), and for the one-time reclassification of stored rows ([`reclassify`]).
//!
//! The rules, in order (the same table is in `server/src/attribution/README.md`):
//!
//! 1. `utm_medium` given → by medium: paid (`cpc`, `ppc`, `paid`, `cpm`, `display`, …) is paid
//!    social when the medium or the source is social, paid search when the source is a search
//!    engine or the medium is a search one (`cpc`, `ppc`, `paidsearch`, …), else other campaign;
//!    `email`/`newsletter`/… → email; `social`/`smm`/… → social; `organic` → search;
//!    `referral` → referral; anything else → other campaign.
//! 2. No medium, an ad click id → paid on that network: `yclid` Yandex Direct, `gclid` /
//!    `gbraid` / `wbraid` Google Ads, `msclkid` Microsoft Ads (paid search, medium `cpc`),
//!    `ttclid` TikTok (paid social). `fbclid` alone is **not** paid: Facebook and Instagram add
//!    it to every outbound link, shared posts included, so it is social (Meta's ad templates set
//!    `utm_medium`, which rule 1 reads).
//! 3. Other utm parameters without a medium → by the source (`utm_source=vk` social,
//!    `utm_source=yandex` search, `utm_source=mailchimp` email), else other campaign.
//! 4. A referrer → by the referrer database, most specific host first: search, social, email as
//!    it says; an ad network's redirector (`yabs.yandex.ru`, `googleadservices.com`) → paid
//!    search (or paid social for social ad networks, other campaign for display networks);
//!    AI assistants and sites of known companies with no channel → referral; any other site →
//!    referral with its host as the source.
//! 5. Nothing → direct.

pub mod reclassify;
pub mod referers;

use protocol::track::{Channel, MAX_TEXT, Touch};

use referers::{Known, Medium};

/// Click ids in a landing URL: (parameter, network as the source, channel, medium).
const CLICK_IDS: [(&str, &str, Channel, &str); 6] = [
    ("yclid", "yandex", Channel::PaidSearch, "cpc"),
    ("gclid", "google", Channel::PaidSearch, "cpc"),
    ("gbraid", "google", Channel::PaidSearch, "cpc"),
    ("wbraid", "google", Channel::PaidSearch, "cpc"),
    ("msclkid", "bing", Channel::PaidSearch, "cpc"),
    ("ttclid", "tiktok", Channel::PaidSocial, "cpc"),
];

/// `utm_medium` values of paid traffic. Those of search ads make a campaign from an unknown
/// source paid search; the rest (display, CPM) only when the source is a search engine.
const PAID_SEARCH_MEDIUMS: &[&str] = &[
    "cpc",
    "ppc",
    "paid",
    "paidsearch",
    "paid_search",
    "paid-search",
    "sem",
    "cpc_search",
    "search_cpc",
];
const PAID_OTHER_MEDIUMS: &[&str] = &[
    "cpm",
    "cpv",
    "cpa",
    "cpp",
    "cpi",
    "display",
    "banner",
    "retargeting",
    "remarketing",
    "ad",
    "ads",
    "paid_media",
    "paidmedia",
];
/// Paid mediums that say "social" themselves.
const PAID_SOCIAL_MEDIUMS: &[&str] = &[
    "paid_social",
    "paidsocial",
    "paid-social",
    "social_paid",
    "social-paid",
    "cpc_social",
    "social_cpc",
    "smm_paid",
    "targeting",
    "target",
];
const EMAIL_MEDIUMS: &[&str] = &[
    "email",
    "e-mail",
    "e_mail",
    "mail",
    "newsletter",
    "mailing",
    "mailchimp",
    "unisender",
    "sendpulse",
    "rassylka",
    "рассылка",
];
const SOCIAL_MEDIUMS: &[&str] = &[
    "social",
    "social-network",
    "social_network",
    "social-media",
    "social_media",
    "sm",
    "smm",
    "organic_social",
    "post",
];
/// Ad networks whose redirectors are paid social rather than paid search.
const SOCIAL_AD_NETWORKS: &[&str] = &["VK Ads"];
/// Ad networks whose redirectors are paid search (the rest of the dataset's paid section are
/// display networks: other campaign).
const SEARCH_AD_NETWORKS: &[&str] = &["Google", "Yandex.Direct", "Bing", "Microsoft Advertising"];

/// What the tracker saw of a touch, with old trackers' guesses set aside.
#[derive(Debug, Default)]
struct Seen {
    source: Option<String>,
    medium: Option<String>,
    campaign: Option<String>,
    content: Option<String>,
    term: Option<String>,
    /// The first click id present: its index in [`CLICK_IDS`] and value; or `fbclid`.
    click: Option<usize>,
    fbclid: bool,
}

/// The touch as it should be stored: campaign parameters filled from the landing URL where the
/// tracker did not send them, and `ch`, `source`, `medium` decided here. Old trackers' own
/// `ch` (and the `source`/`medium` they derived from the referrer) are replaced.
pub fn classify(t: &Touch) -> Touch {
    let mut out = t.clone();
    let params = landing_params(t.landing.as_deref());
    let param = |k: &str| {
        params
            .iter()
            .find(|(pk, v)| pk == k && !v.trim().is_empty())
            .map(|(_, v)| clip(v))
    };
    // Old trackers filled source and medium from the referrer when there was no campaign
    // (channels search, social, referral): those are not campaign parameters. For a campaign
    // (`paid`) they derived them only where these rules derive the same (a click id's network
    // and `cpc`), or from the referrer's name (which rule 3 reads as the referrer would be).
    let derived = matches!(t.ch, Channel::Search | Channel::Social | Channel::Referral);
    let sent = |v: &Option<String>| {
        if derived {
            None
        } else {
            v.clone().filter(|v| !v.trim().is_empty())
        }
    };
    let mut seen = Seen {
        source: param("utm_source").or_else(|| sent(&t.source)),
        medium: param("utm_medium").or_else(|| sent(&t.medium)),
        campaign: param("utm_campaign").or_else(|| t.campaign.clone()),
        content: param("utm_content").or_else(|| t.content.clone()),
        term: param("utm_term").or_else(|| t.term.clone()),
        click: None,
        fbclid: t.fbclid.is_some() || param("fbclid").is_some(),
    };
    for (i, (name, ..)) in CLICK_IDS.iter().enumerate() {
        let v = match *name {
            "yclid" => t.yclid.clone(),
            "gclid" => t.gclid.clone(),
            _ => None,
        }
        .or_else(|| param(name));
        if v.is_some() && seen.click.is_none() {
            seen.click = Some(i);
        }
        match *name {
            "yclid" if out.yclid.is_none() => out.yclid = v,
            "gclid" if out.gclid.is_none() => out.gclid = v,
            _ => {}
        }
    }
    if out.fbclid.is_none() {
        out.fbclid = param("fbclid");
    }
    let referrer = t
        .referrer
        .as_deref()
        .and_then(referrer_parts)
        .map(|(host, path)| {
            let known = referers::lookup(&host, &path);
            (host, known)
        });
    let (ch, source, medium) = decide(&seen, referrer.as_ref().map(|(h, k)| (h.as_str(), *k)));
    out.ch = ch;
    out.source = source;
    out.medium = medium;
    out.campaign = seen.campaign.take();
    out.content = seen.content.take();
    out.term = seen.term.take();
    out
}

/// A booking's context (the tracker's first and last touch, passed on by the widget) with both
/// touches classified.
pub fn classify_context(mut a: protocol::booking::Attribution) -> protocol::booking::Attribution {
    a.first = a.first.as_ref().map(classify);
    a.last = a.last.as_ref().map(classify);
    a
}

/// The rules (module doc) on what was seen and the referrer (host and what the database says).
fn decide(
    seen: &Seen,
    referrer: Option<(&str, Option<Known>)>,
) -> (Channel, Option<String>, Option<String>) {
    let by_ref = referrer.and_then(|(_, k)| k);
    let ref_name = referrer.map(|(h, k)| {
        k.filter(|k| k.medium != Medium::Unknown)
            .map_or_else(|| bare(h).to_owned(), |k| k.source.to_owned())
    });
    let by_source = seen.source.as_deref().and_then(referers::source);
    // What the source is: the utm_source if it names one, else the referrer.
    let kind = by_source
        .or(if seen.source.is_none() { by_ref } else { None })
        .map(|k| k.medium);
    let source = || seen.source.clone().or_else(|| ref_name.clone());
    let campaign = seen.source.is_some()
        || seen.campaign.is_some()
        || seen.content.is_some()
        || seen.term.is_some();

    if let Some(medium) = seen.medium.as_deref() {
        let m = medium.trim().to_lowercase();
        let is = |list: &[&str]| list.contains(&m.as_str());
        let ch = if is(PAID_SOCIAL_MEDIUMS) {
            Channel::PaidSocial
        } else if is(PAID_SEARCH_MEDIUMS) || is(PAID_OTHER_MEDIUMS) {
            match kind {
                Some(Medium::Social) => Channel::PaidSocial,
                Some(Medium::Search) => Channel::PaidSearch,
                _ if is(PAID_SEARCH_MEDIUMS) => Channel::PaidSearch,
                _ => Channel::Campaign,
            }
        } else if is(EMAIL_MEDIUMS) {
            Channel::Email
        } else if is(SOCIAL_MEDIUMS) {
            Channel::Social
        } else if m == "organic" {
            Channel::Search
        } else if m == "referral" {
            Channel::Referral
        } else {
            Channel::Campaign
        };
        return (ch, source(), Some(medium.to_owned()));
    }
    if let Some(i) = seen.click {
        let (_, network, ch, medium) = CLICK_IDS[i];
        return (
            ch,
            seen.source.clone().or_else(|| Some(network.to_owned())),
            Some(medium.to_owned()),
        );
    }
    if seen.fbclid {
        // Organic: see rule 2. The network is the referrer's (Instagram's link shim) if known.
        let name = match by_ref {
            Some(k) if k.medium == Medium::Social => k.source.to_owned(),
            _ => "Facebook".to_owned(),
        };
        return (
            Channel::Social,
            seen.source.clone().or(Some(name)),
            Some("social".into()),
        );
    }
    if campaign {
        let ch = match kind {
            Some(Medium::Search) => Channel::Search,
            Some(Medium::Social) => Channel::Social,
            Some(Medium::Email) => Channel::Email,
            Some(Medium::Paid) => Channel::PaidSearch,
            _ => Channel::Campaign,
        };
        return (ch, source(), None);
    }
    match referrer {
        None => (Channel::Direct, None, None),
        Some((_, known)) => {
            let (ch, medium) = match known.map(|k| k.medium) {
                Some(Medium::Search) => (Channel::Search, "organic"),
                Some(Medium::Social) => (Channel::Social, "social"),
                Some(Medium::Email) => (Channel::Email, "email"),
                Some(Medium::Paid) => {
                    let name = known.map_or("", |k| k.source);
                    let ch = if SOCIAL_AD_NETWORKS.contains(&name) {
                        Channel::PaidSocial
                    } else if SEARCH_AD_NETWORKS.contains(&name) {
                        Channel::PaidSearch
                    } else {
                        Channel::Campaign
                    };
                    (ch, "cpc")
                }
                Some(Medium::Chatbot | Medium::Unknown) | None => (Channel::Referral, "referral"),
            };
            (ch, ref_name, Some(medium.to_owned()))
        }
    }
}

/// The decoded query parameters of a landing path + query (`/a?b=c#d`).
fn landing_params(landing: Option<&str>) -> Vec<(String, String)> {
    let Some((_, query)) = landing.and_then(|l| l.split_once('?')) else {
        return Vec::new();
    };
    let query = query.split('#').next().unwrap_or("");
    serde_urlencoded::from_str(query).unwrap_or_default()
}

/// Host (lowercase, no user, no port) and path of a referrer URL; `None` when it has no host.
/// `android-app://com.google.android.gm/` gives the app's package as the host, as the dataset
/// lists apps.
pub fn referrer_parts(referrer: &str) -> Option<(String, String)> {
    let rest = referrer
        .trim()
        .split_once("://")
        .map_or(referrer.trim(), |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.trim_end_matches('.').to_lowercase();
    if host.is_empty() {
        return None;
    }
    let path = rest[end..]
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_owned();
    Some((host, path))
}

fn bare(host: &str) -> &str {
    host.strip_prefix("www.").unwrap_or(host)
}

/// At most [`MAX_TEXT`] characters (what the store accepts from the tracker).
fn clip(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests;
