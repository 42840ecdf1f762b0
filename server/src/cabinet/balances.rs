//! Balances: loyalty cards (money and bonus points), abonements with visits left and expiry,
//! gift certificates — as YCLIENTS keeps them for the signed-in client.

use protocol::cabinet::{Abonement, Balances, Certificate, LoyaltyCard};

use super::session::Signed;
use super::{Res, upstream};
use crate::app::AppState;

/// `2025-06-01 00:00:00` → `2025-06-01`; empty → none.
fn day(s: &str) -> Option<String> {
    let d = s.get(..10).unwrap_or(s).trim();
    (!d.is_empty() && !d.starts_with("0000")).then(|| d.to_owned())
}

pub async fn balances(app: &AppState, signed: &Signed) -> Res<Balances> {
    let branches = app.catalog.branches(&signed.up).await?;
    let Some(first) = branches.first() else {
        return Ok(Balances {
            cards: vec![],
            abonements: vec![],
            certificates: vec![],
        });
    };
    let client = signed.client();
    let group = signed
        .up
        .client
        .company(first.id)
        .await
        .map_err(upstream)?
        .main_group_id;
    let cards = client.my_loyalty_cards(group).await.map_err(upstream)?;
    let abonements = client.my_abonements(first.id).await.map_err(upstream)?;
    let certificates = client.my_certificates(first.id).await.map_err(upstream)?;
    Ok(Balances {
        cards: cards
            .into_iter()
            .map(|c| LoyaltyCard {
                id: c.id,
                title: c.card_type.title,
                number: c.number,
                balance: c.balance,
                points: c.points,
                programs: c.programs.into_iter().map(|p| p.title).collect(),
            })
            .collect(),
        abonements: abonements
            .into_iter()
            .map(|a| Abonement {
                id: a.id,
                title: a.abonement_type.title,
                number: a.number,
                visits_left: (!a.balance_container.links.is_empty())
                    .then(|| a.balance_container.links.iter().map(|l| l.count).sum()),
                balance: a.balance_string,
                expires: day(&a.expiration_date),
                frozen: a.is_frozen,
                status: a.status.title,
            })
            .collect(),
        certificates: certificates
            .into_iter()
            .map(|c| Certificate {
                id: c.id,
                title: c.certificate_type.title,
                number: c.number,
                balance: c.balance,
                nominal: c.default_balance,
                expires: day(&c.expiration_date),
                status: c.status.title,
            })
            .collect(),
    })
}
