//! The classification table: every case of Snowplow's own `referer-tests.json` (copied beside the
//! dataset, `server/tests/data/`), our additions for the Russian web, and campaigns as ad
//! platforms and newsletters tag them.

use protocol::track::{Channel, Touch};

use super::classify;

/// The channel a dataset medium means here (`chatbot` has no channel of its own: a referral
/// under the assistant's name; `paid` in the tests is Google's ad hosts: paid search).
fn channel_of(medium: &str) -> Channel {
    match medium {
        "search" => Channel::Search,
        "social" => Channel::Social,
        "email" => Channel::Email,
        "paid" => Channel::PaidSearch,
        "chatbot" => Channel::Referral,
        other => panic!("a medium the table does not map: {other}"),
    }
}

fn visit(referrer: &str, landing: &str) -> Touch {
    let t = Touch {
        referrer: (!referrer.is_empty()).then(|| referrer.to_owned()),
        landing: Some(landing.to_owned()),
        ts: 1,
        ..Touch::default()
    };
    classify(&t)
}

#[test]
fn the_datasets_own_test_cases() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../tests/data/referer-tests.json")).unwrap();
    assert!(cases.len() >= 100, "{}", cases.len());
    let mut wrong = Vec::new();
    for c in &cases {
        let (uri, medium, source) = (
            c["uri"].as_str().unwrap(),
            c["medium"].as_str().unwrap(),
            c["source"].as_str().unwrap(),
        );
        assert!(c["known"].as_bool().unwrap(), "{uri}");
        let t = visit(uri, "/");
        let want = (channel_of(medium), Some(source));
        if (t.ch, t.source.as_deref()) != want {
            wrong.push(format!(
                "{uri}: got {:?} {:?}, want {want:?}",
                t.ch, t.source
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_russian_web() {
    use Channel::*;
    let cases: &[(&str, Channel, &str)] = &[
        // Webmail is email, never its search engine.
        ("https://mail.yandex.ru/?uid=1#inbox", Email, "Yandex"),
        ("https://mail.yandex.kz/", Email, "Yandex"),
        ("https://mail.google.com/mail/u/0/", Email, "Gmail"),
        ("https://mail.rambler.ru/", Email, "Rambler"),
        ("https://e.mail.ru/inbox/", Email, "Mail.ru"),
        ("https://touch.mail.ru/cgi-bin/readmsg", Email, "Mail.ru"),
        ("https://octavius.mail.ru/", Email, "Mail.ru"),
        // Ad redirectors are paid.
        (
            "https://yabs.yandex.ru/count/WZ0ejI_zO",
            PaidSearch,
            "Yandex.Direct",
        ),
        (
            "https://an.yandex.ru/count/WXmejI",
            PaidSearch,
            "Yandex.Direct",
        ),
        (
            "https://www.googleadservices.com/pagead/aclk?sa=L",
            PaidSearch,
            "Google",
        ),
        (
            "https://googleads.g.doubleclick.net/pagead/",
            PaidSearch,
            "Google",
        ),
        ("https://ads.vk.com/", PaidSocial, "VK Ads"),
        // Search.
        ("https://yandex.ru/search/?text=стрижка", Search, "Yandex"),
        ("https://ya.ru/", Search, "Yandex"),
        ("https://yandex.kz/", Search, "Yandex"),
        ("https://yandex.com.tr/", Search, "Yandex"),
        ("https://www.google.ru/", Search, "Google"),
        ("https://www.google.com/", Search, "Google"),
        ("https://www.google.co.uk/search?q=x", Search, "Google"),
        ("https://search.yahoo.com/", Search, "Yahoo!"),
        (
            "android-app://com.google.android.googlequicksearchbox/",
            Search,
            "Google",
        ),
        ("https://go.mail.ru/search?q=x", Search, "Mail.ru"),
        ("https://www.bing.com/search?q=x", Search, "Bing"),
        ("https://duckduckgo.com/", Search, "DuckDuckGo"),
        ("https://nova.rambler.ru/search?query=x", Search, "Rambler"),
        ("https://www.rambler.ru/", Search, "Rambler"),
        ("https://2gis.ru/moscow/firm/70000001", Search, "2gis"),
        ("https://link.2gis.ru/1.2/AB", Search, "2gis"),
        ("https://2gis.kz/almaty", Search, "2gis"),
        (
            "https://yandex.ru/maps/org/salon/1234/",
            Search,
            "Yandex Maps",
        ),
        ("https://maps.yandex.ru/", Search, "Yandex Maps"),
        ("https://www.google.com/maps/place/x", Search, "Google Maps"),
        // Social networks and messengers.
        ("https://vk.com/away.php?to=x", Social, "Vkontakte"),
        ("https://m.vk.com/wall-1_2", Social, "Vkontakte"),
        ("https://vk.ru/salon", Social, "Vkontakte"),
        ("https://away.vk.ru/", Social, "Vkontakte"),
        ("https://ok.ru/group/1", Social, "Odnoklassniki"),
        ("https://m.ok.ru/", Social, "Odnoklassniki"),
        ("https://t.me/salon/15", Social, "Telegram"),
        ("https://web.telegram.org/k/", Social, "Telegram"),
        ("https://dzen.ru/a/xyz", Social, "Dzen"),
        ("https://zen.yandex.ru/media/x", Social, "Dzen"),
        ("https://rutube.ru/video/1/", Social, "Rutube"),
        ("https://max.ru/salon", Social, "Max"),
        ("https://web.max.ru/", Social, "Max"),
        ("https://my.mail.ru/community/x", Social, "Mail.ru"),
        ("https://pinterest.ru/pin/1", Social, "Pinterest"),
        ("https://www.pinterest.com/pin/1", Social, "Pinterest"),
        ("https://l.instagram.com/?u=x", Social, "Instagram"),
        ("https://l.facebook.com/l.php?u=x", Social, "Facebook"),
        ("https://www.youtube.com/watch?v=1", Social, "Youtube"),
        ("https://www.tiktok.com/@salon", Social, "TikTok"),
        // Other sites are referrals under their host; known sites with no channel too.
        (
            "https://www.beauty-blog.ru/top-10",
            Referral,
            "beauty-blog.ru",
        ),
        ("https://notvk.com/", Referral, "notvk.com"),
        (
            "https://googleusercontent.com/x",
            Referral,
            "googleusercontent.com",
        ),
        ("https://yandexx.ru/", Referral, "yandexx.ru"),
        (
            "https://drive.google.com/file/1",
            Referral,
            "drive.google.com",
        ),
        ("https://chatgpt.com/", Referral, "ChatGPT"),
        ("https://salon.ru:8443/", Referral, "salon.ru"),
    ];
    let mut wrong = Vec::new();
    for (uri, ch, source) in cases {
        let t = visit(uri, "/");
        if (t.ch, t.source.as_deref()) != (*ch, Some(*source)) {
            wrong.push(format!(
                "{uri}: got {:?} {:?}, want {ch:?} {source}",
                t.ch, t.source
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(visit("", "/").ch, Channel::Direct);
}

#[test]
fn campaigns_as_platforms_and_newsletters_tag_them() {
    use Channel::*;
    let s = |v: &str| Some(v.to_owned());
    // (landing, referrer, channel, source, medium)
    type Case<'a> = (&'a str, &'a str, Channel, Option<String>, Option<String>);
    let cases: &[Case] = &[
        // Yandex Direct: its own template, and auto-tagging (yclid only).
        (
            "/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring&utm_content=ad1&utm_term=стрижка&yclid=123",
            "https://yandex.ru/",
            PaidSearch,
            s("yandex"),
            s("cpc"),
        ),
        ("/?yclid=8274652", "", PaidSearch, s("yandex"), s("cpc")),
        (
            "/?yclid=1&utm_source=direct",
            "",
            PaidSearch,
            s("direct"),
            s("cpc"),
        ),
        // Yandex's display network (РСЯ) with a CPM medium from a search engine's source.
        (
            "/?utm_source=yandex&utm_medium=cpm&utm_campaign=rsya",
            "",
            PaidSearch,
            s("yandex"),
            s("cpm"),
        ),
        // Google Ads: auto-tagging, and iOS app campaigns' gbraid.
        ("/?gclid=Cj0KCQjw", "", PaidSearch, s("google"), s("cpc")),
        ("/?gbraid=0AAAAA", "", PaidSearch, s("google"), s("cpc")),
        (
            "/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=x",
            "https://www.google.com/",
            PaidSearch,
            s("google"),
            s("cpc"),
        ),
        // A tagged landing whose tags were lost still shows the ad redirector.
        (
            "/",
            "https://yabs.yandex.ru/count/abc",
            PaidSearch,
            s("Yandex.Direct"),
            s("cpc"),
        ),
        // Microsoft Ads.
        (
            "/?msclkid=abc",
            "https://www.bing.com/",
            PaidSearch,
            s("bing"),
            s("cpc"),
        ),
        // VK Ads and Meta ads set utm themselves.
        (
            "/?utm_source=vk&utm_medium=cpc&utm_campaign=manicure",
            "https://vk.com/",
            PaidSocial,
            s("vk"),
            s("cpc"),
        ),
        (
            "/?utm_source=vk_ads&utm_medium=paid_social",
            "",
            PaidSocial,
            s("vk_ads"),
            s("paid_social"),
        ),
        (
            "/?utm_source=facebook&utm_medium=paid&utm_campaign=x&fbclid=IwAR0",
            "https://l.facebook.com/",
            PaidSocial,
            s("facebook"),
            s("paid"),
        ),
        (
            "/?utm_source=ig&utm_medium=cpc",
            "",
            PaidSocial,
            s("ig"),
            s("cpc"),
        ),
        (
            "/?utm_source=mytarget&utm_medium=cpm",
            "",
            Campaign,
            s("mytarget"),
            s("cpm"),
        ),
        // TikTok adds ttclid to ad clicks only.
        ("/?ttclid=E.C.P", "", PaidSocial, s("tiktok"), s("cpc")),
        // An organic share on Facebook or Instagram carries fbclid: social, not paid.
        (
            "/?fbclid=IwAR2abc",
            "https://l.facebook.com/",
            Social,
            s("Facebook"),
            s("social"),
        ),
        (
            "/?fbclid=PAZXh0bgNhZW0",
            "https://l.instagram.com/",
            Social,
            s("Instagram"),
            s("social"),
        ),
        ("/?fbclid=IwAR2abc", "", Social, s("Facebook"), s("social")),
        // Newsletters.
        (
            "/?utm_source=newsletter&utm_medium=email&utm_campaign=may",
            "",
            Email,
            s("newsletter"),
            s("email"),
        ),
        (
            "/?utm_source=unisender&utm_medium=email&utm_campaign=promo",
            "https://e.mail.ru/",
            Email,
            s("unisender"),
            s("email"),
        ),
        (
            "/?utm_source=mailchimp&utm_medium=newsletter",
            "",
            Email,
            s("mailchimp"),
            s("newsletter"),
        ),
        (
            "/?utm_source=sendpulse&utm_medium=e-mail",
            "",
            Email,
            s("sendpulse"),
            s("e-mail"),
        ),
        (
            "/?utm_source=Mailchimp&utm_campaign=weekly",
            "",
            Email,
            s("Mailchimp"),
            None,
        ),
        // A tagged post in a Telegram channel or VK group.
        (
            "/?utm_source=telegram&utm_medium=social&utm_campaign=post15",
            "https://t.me/",
            Social,
            s("telegram"),
            s("social"),
        ),
        (
            "/?utm_source=vk&utm_medium=smm",
            "",
            Social,
            s("vk"),
            s("smm"),
        ),
        (
            "/?utm_source=vk&utm_campaign=a",
            "https://vk.com/",
            Social,
            s("vk"),
            None,
        ),
        // Organic and referral spelled out.
        (
            "/?utm_source=yandex&utm_medium=organic",
            "",
            Search,
            s("yandex"),
            s("organic"),
        ),
        (
            "/?utm_source=partner.ru&utm_medium=referral",
            "",
            Referral,
            s("partner.ru"),
            s("referral"),
        ),
        // Anything else tagged is another campaign: QR codes, offline, SMS.
        (
            "/?utm_source=qr&utm_medium=offline&utm_campaign=window",
            "",
            Campaign,
            s("qr"),
            s("offline"),
        ),
        (
            "/?utm_source=sms&utm_medium=sms",
            "",
            Campaign,
            s("sms"),
            s("sms"),
        ),
        (
            "/?utm_campaign=x",
            "https://vk.com/",
            Social,
            s("Vkontakte"),
            None,
        ),
        ("/?utm_campaign=x", "", Campaign, None, None),
        // Empty values and other parameters are no campaign.
        ("/?utm_source=&page=2&q=utm_source", "", Direct, None, None),
        (
            "/?utm_source=%20&utm_medium=",
            "https://ya.ru/",
            Search,
            s("Yandex"),
            s("organic"),
        ),
    ];
    let mut wrong = Vec::new();
    for (landing, referrer, ch, source, medium) in cases {
        let t = visit(referrer, landing);
        if (t.ch, &t.source, &t.medium) != (*ch, source, medium) {
            wrong.push(format!("{landing} after {referrer:?}: got {:?} {:?} {:?}, want {ch:?} {source:?} {medium:?}", t.ch, t.source, t.medium));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // The campaign's other parameters come from the landing URL.
    let t = visit(
        "",
        "/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring%20sale&utm_content=ad1&utm_term=%D1%81%D1%82%D1%80%D0%B8%D0%B6%D0%BA%D0%B0&yclid=123",
    );
    assert_eq!(
        (
            t.campaign.as_deref(),
            t.content.as_deref(),
            t.term.as_deref(),
            t.yclid.as_deref()
        ),
        (
            Some("spring sale"),
            Some("ad1"),
            Some("стрижка"),
            Some("123")
        )
    );
}

#[test]
fn old_trackers_touches_are_reclassified() {
    let old = |json: &str| classify(&serde_json::from_str::<Touch>(json).unwrap());
    // Webmail counted as search by the old table.
    let t = old(
        r#"{"ch":"search","source":"yandex","medium":"organic","referrer":"https://mail.yandex.ru/","landing":"/","ts":1}"#,
    );
    assert_eq!(
        (t.ch, t.source.as_deref(), t.medium.as_deref()),
        (Channel::Email, Some("Yandex"), Some("email"))
    );
    // A newsletter counted as paid.
    let t = old(
        r#"{"ch":"paid","source":"newsletter","medium":"email","campaign":"may","landing":"/?utm_source=newsletter&utm_medium=email&utm_campaign=may","ts":1}"#,
    );
    assert_eq!(
        (t.ch, t.source.as_deref(), t.campaign.as_deref()),
        (Channel::Email, Some("newsletter"), Some("may"))
    );
    // Old paid touches with click ids: the derived source/medium are derived again the same way.
    let t = old(
        r#"{"ch":"paid","source":"yandex","medium":"cpc","yclid":"5","landing":"/?yclid=5","ts":1}"#,
    );
    assert_eq!(
        (t.ch, t.source.as_deref(), t.medium.as_deref()),
        (Channel::PaidSearch, Some("yandex"), Some("cpc"))
    );
    // A paid touch whose landing lost its query keeps what it sent.
    let t =
        old(r#"{"ch":"paid","source":"vk","medium":"cpc","campaign":"a","landing":"/","ts":1}"#);
    assert_eq!(
        (t.ch, t.source.as_deref()),
        (Channel::PaidSocial, Some("vk"))
    );
    // A landing shortened by hand (tests, old clients) keeps the medium it sent.
    let t = old(
        r#"{"ch":"paid","source":"yandex","medium":"cpc","campaign":"spring","landing":"/?utm_source=yandex","ts":1}"#,
    );
    assert_eq!(
        (t.ch, t.medium.as_deref()),
        (Channel::PaidSearch, Some("cpc"))
    );
    // An organic Facebook share counted as paid.
    let t = old(
        r#"{"ch":"paid","source":"facebook","fbclid":"x","referrer":"https://l.facebook.com/","landing":"/?fbclid=x","ts":1}"#,
    );
    assert_eq!(
        (t.ch, t.source.as_deref()),
        (Channel::Social, Some("facebook"))
    );
    // Direct stays direct; reclassifying is idempotent.
    let t = old(r#"{"ch":"direct","landing":"/","ts":1}"#);
    assert_eq!(t.ch, Channel::Direct);
    let once = old(
        r#"{"ch":"search","source":"yandex","medium":"organic","referrer":"https://2gis.ru/","landing":"/","ts":1}"#,
    );
    assert_eq!(classify(&once), once);
}

#[test]
fn referrer_parts_are_host_and_path() {
    use super::referrer_parts as p;
    let s = |h: &str, path: &str| Some((h.to_owned(), path.to_owned()));
    assert_eq!(
        p("https://User@WWW.Google.FR:443/imgres?q=1#x"),
        s("www.google.fr", "/imgres")
    );
    assert_eq!(
        p("android-app://com.google.android.gm/"),
        s("com.google.android.gm", "/")
    );
    assert_eq!(p("https://a.ru"), s("a.ru", ""));
    assert_eq!(p(""), None);
    assert_eq!(p("https:///x"), None);
}
