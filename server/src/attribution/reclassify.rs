//! The one-time reclassification of stored touches (#22): sessions and bookings stored while the
//! tracker classified them are classified again by [`super::classify`], from the referrer and
//! landing URL they kept. SQL cannot do it (the referrer database is Rust), so it runs at start,
//! once per database: the marker row `data_migrations.name = NAME` is written in the same
//! transaction as the updates.
//!
//! A touch whose referrer is gone (an erased booking keeps only its channel, source, medium and
//! campaign columns) is classified from those columns when it was a campaign, and otherwise keeps
//! its channel: with no referrer there is nothing to tell search from social again.

use protocol::track::{Channel, Touch};

use crate::store::{Store, sources};

pub const NAME: &str = "0004_sources_reclassified";

/// What the run changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reclassified {
    pub sessions: u64,
    pub bookings: u64,
}

/// Runs the reclassification unless it ran before on this database. `None` when it had.
pub async fn run(store: &Store) -> anyhow::Result<Option<Reclassified>> {
    let mut tx = store.begin_write().await?;
    if !sources::claim(&mut tx, NAME, crate::util::clock::now_ms()).await? {
        return Ok(None);
    }
    let mut done = Reclassified::default();
    for s in sources::sessions(&mut tx).await? {
        let t = again(&s.touch);
        if t != s.touch {
            sources::update_session(&mut tx, &s.site, &s.sid, &t).await?;
            done.sessions += 1;
        }
    }
    for b in sources::booking_touches(&mut tx).await? {
        let Some(json) = &b.json else { continue };
        let Ok(mut stored) = serde_json::from_str::<Touch>(json) else {
            continue;
        };
        if b.erased {
            // The JSON lost its referrer and query; the columns still hold what was derived.
            stored.source = b.source.clone();
            stored.medium = b.medium.clone();
            stored.campaign = b.campaign.clone();
        }
        let t = again(&stored);
        let unchanged = Some(t.ch.as_str()) == b.channel.as_deref()
            && t.source == b.source
            && t.medium == b.medium
            && t.campaign == b.campaign;
        if !unchanged || t != stored {
            let json = serde_json::to_string(&t)?;
            sources::update_booking_touch(&mut tx, &b.id, b.which, &t, &json).await?;
            done.bookings += 1;
        }
    }
    tx.commit().await?;
    tracing::info!(
        sessions = done.sessions,
        bookings = done.bookings,
        "stored touches reclassified (#22)"
    );
    Ok(Some(done))
}

/// The stored touch classified again; one without its referrer keeps an organic channel.
fn again(t: &Touch) -> Touch {
    let organic = matches!(t.ch, Channel::Search | Channel::Social | Channel::Referral);
    if organic && t.referrer.is_none() {
        return t.clone();
    }
    super::classify(t)
}
