//! Bonuses and balances: loyalty cards (money and points, the programmes), abonements (visits
//! left, expiry, frozen) and gift certificates (what is left of the nominal, expiry).

use leptos::prelude::*;
use protocol::cabinet::Balances;

use super::{app::Section, state::Ctx, texts::Texts};
use crate::{
    format::{self, Ymd},
    i18n::Lang,
    ui::loaded,
};

/// `12 марта 2031` for a `YYYY-MM-DD`.
fn date(lang: Lang, ymd: &str) -> String {
    Ymd::parse(ymd).map_or_else(|| ymd.to_owned(), |d| format::date_long(lang, d))
}

/// One card: a title, its number, and lines of `label value`.
fn card(id: String, title: String, number: String, lines: Vec<String>) -> AnyView {
    let rows = lines
        .into_iter()
        .map(|l| view! { <p>{l}</p> })
        .collect_view();
    view! {
        <li class="zc-card" data-testid=id>
            <p class="zw-item-title">{title}</p>
            <p class="zw-muted">{number}</p>
            {rows}
        </li>
    }
    .into_any()
}

fn group(
    ctx: Ctx,
    title: fn(&'static Texts) -> &'static str,
    items: Vec<AnyView>,
) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <h4>{title(ctx.tn())}</h4>
            <ul class="zw-list">{items}</ul>
        }
    })
}

fn money(lang: Lang, v: f64) -> String {
    format!("{}\u{a0}₽", format::money(lang, v))
}

fn shown(ctx: Ctx, b: Balances) -> AnyView {
    let (lang, t) = (ctx.ln(), ctx.tn());
    if b.cards.is_empty() && b.abonements.is_empty() && b.certificates.is_empty() {
        return view! {
            <p class="zw-empty" data-testid="no-balances">{ctx.tn().no_balances}</p>
        }
        .into_any();
    }
    let cards = b
        .cards
        .into_iter()
        .map(|c| {
            let (balance, points, programs) = (c.balance, c.points, c.programs.join(", "));
            card(format!("card-{}", c.id), c.title, c.number, {
                let mut out = vec![format!("{}{}", t.points, format::money(lang, points))];
                if balance > 0.0 {
                    out.push(format!("{}{}", t.balance, money(lang, balance)));
                }
                if !programs.is_empty() {
                    out.push(programs.clone());
                }
                out
            })
        })
        .collect();
    let abonements = b
        .abonements
        .into_iter()
        .map(|a| {
            let (left, balance, expires, frozen) = (a.visits_left, a.balance, a.expires, a.frozen);
            card(format!("abonement-{}", a.id), a.title, a.number, {
                let mut out = vec![match left {
                    Some(n) => format!("{}{n}", t.visits_left),
                    None => balance.clone(),
                }];
                if let Some(e) = &expires {
                    out.push(format!("{}{}", t.expires, date(lang, e)));
                }
                if frozen {
                    out.push(t.frozen.to_owned());
                }
                out
            })
        })
        .collect();
    let certificates = b
        .certificates
        .into_iter()
        .map(|c| {
            let (balance, nominal, expires) = (c.balance, c.nominal, c.expires);
            card(format!("certificate-{}", c.id), c.title, c.number, {
                let mut out = vec![format!(
                    "{}{}{}{}",
                    t.balance,
                    money(lang, balance),
                    t.of_nominal,
                    money(lang, nominal)
                )];
                if let Some(e) = &expires {
                    out.push(format!("{}{}", t.expires, date(lang, e)));
                }
                out
            })
        })
        .collect();
    view! {
        {group(ctx, |t| t.cards, cards)}
        {group(ctx, |t| t.abonements, abonements)}
        {group(ctx, |t| t.certificates, certificates)}
    }
    .into_any()
}

#[component]
pub fn BalancesScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    ctx.load_balances(false);
    view! {
        <Section name="balances" title=|t| t.tab_balances>
            {loaded(ctx.balances, move || ctx.load_balances(true), move |b| shown(ctx, b))}
        </Section>
    }
}
