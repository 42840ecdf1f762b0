//! Beacons that are not a visitor's: crawlers, headless browsers and automation tools (by their
//! User-Agent), and pages on this machine (by their Origin). The tracker used to check in the
//! browser; #22 moved it here (the tracker's size budget). Ingest acknowledges and drops them
//! unless the site allows them (`allow_webdriver`, `allow_localhost`).

/// User-Agent words of crawlers, headless browsers and automation tools (lowercase).
/// (`bot/`, not `bot`: the Cubot phones.)
const AUTOMATED: &[&str] = &[
    "bot/",
    "bot;",
    "bot)",
    "+http",
    "crawler",
    "spider",
    "slurp",
    "headless",
    "phantomjs",
    "lighthouse",
    "pagespeed",
    "puppeteer",
    "playwright",
    "selenium",
    "webdriver",
    "python-requests",
    "curl/",
    "wget/",
    "go-http-client",
];

/// A crawler, a headless browser or an automation tool, by its User-Agent.
pub fn automated(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    AUTOMATED.iter().any(|w| ua.contains(w))
}

/// A page on this machine: `localhost`, `*.localhost`, `127.x.x.x`, `[::1]`, or a file (`null`).
pub fn local_origin(origin: &str) -> bool {
    let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    // The host without the port (an IPv6 host keeps its brackets).
    let host = match authority.find(']') {
        Some(end) if authority.starts_with('[') => &authority[..=end],
        _ => authority.split(':').next().unwrap_or(authority),
    };
    origin == "null"
        || host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host
            .strip_prefix("127.")
            .is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

#[cfg(test)]
mod tests {
    use super::{automated, local_origin};

    #[test]
    fn bots_and_automation_by_user_agent() {
        for ua in [
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
            "curl/8.5.0",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        ] {
            assert!(automated(ua), "{ua}");
        }
        for ua in [
            "",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 YaBrowser/24.12.0.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        ] {
            assert!(!automated(ua), "{ua}");
        }
    }

    #[test]
    fn local_origins() {
        for o in [
            "http://localhost:3000",
            "http://app.localhost",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:8000",
            "null",
        ] {
            assert!(local_origin(o), "{o}");
        }
        for o in [
            "https://salon.ru",
            "http://127.0.0.1.nip.io",
            "http://localhost.salon.ru",
            "http://10.0.0.1",
            "http://salon.test",
            "",
        ] {
            assert!(!local_origin(o), "{o}");
        }
    }
}
