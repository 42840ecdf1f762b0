//! The screens after the visits: moving a visit, balances, questions, profile, deleting the
//! account. The shipped cabinet loads them as their own module, `account`, when a client
//! first reaches one (`split.rs`): the cabinet's first screen, sign-in or the visits, stays
//! within its size budget without them.

use leptos::prelude::*;

use super::{
    balances::BalancesScreen,
    methods::{DeleteScreen, DeletedScreen},
    profile::ProfileScreen,
    questions::{AskScreen, QuestionsScreen, ThreadScreen},
    reschedule::RescheduleScreen,
    state::{Ctx, Screen},
};

/// One of these screens (nothing for the first module's).
pub fn screen(screen: Screen) -> AnyView {
    match screen {
        Screen::Reschedule(id) => view! { <RescheduleScreen id/> }.into_any(),
        Screen::Balances => view! { <BalancesScreen/> }.into_any(),
        Screen::Questions => view! { <QuestionsScreen/> }.into_any(),
        Screen::Ask => view! { <AskScreen/> }.into_any(),
        Screen::Thread(id) => view! { <ThreadScreen id/> }.into_any(),
        Screen::Profile => view! { <ProfileScreen/> }.into_any(),
        Screen::Delete => view! { <DeleteScreen/> }.into_any(),
        Screen::Deleted => view! { <DeletedScreen/> }.into_any(),
        _ => ().into_any(),
    }
}

/// [`Link::more`](super::state::Link) of the cabinet as one app: the screen shown, here.
pub fn here(ctx: Ctx) -> AnyView {
    (move || screen(ctx.screen.get())).into_any()
}
