//! Step 3: "any master" or a specific one, with photo, position, rating and nearest free time.

use leptos::{either::Either, prelude::*};
use protocol::catalog::StaffList;

use crate::{
    booking::{flow, state::Ctx},
    format,
    i18n::Lang,
    ui::{StepSection, loaded},
};

#[component]
pub fn StaffStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    flow::load_staff(ctx, false);
    view! {
        <StepSection name="staff" title=|t| t.choose_staff>
            {loaded(ctx.staff, move || flow::load_staff(ctx, true), move |list| cards(ctx, list).into_any())}
        </StepSection>
    }
}

/// `4,9` / `4.9` without pulling in float formatting.
fn rating(lang: Lang, r: f32) -> String {
    let tenths = (r * 10.0).round() as u32;
    let sep = if lang == Lang::Ru { ',' } else { '.' };
    format!("{}{sep}{}", tenths / 10, tenths % 10)
}

/// What one card shows.
struct Card {
    id: u64,
    name: String,
    position: String,
    /// `None`: the "any master" sign; `Some("")`: no photo (the initial is shown).
    photo: Option<String>,
    rating: Option<String>,
    note: Option<String>,
    bookable: bool,
}

fn cards(ctx: Ctx, list: StaffList) -> impl IntoView {
    move || {
        let lang = ctx.lang.get();
        let t = lang.t();
        let near = |n: &Option<String>| {
            n.as_ref()
                .map(|n| format!("{}{}", t.nearest, format::when(lang, n)))
        };
        let soonest = list
            .staff
            .iter()
            .filter(|s| s.bookable)
            .filter_map(|s| s.nearest.clone())
            .min();
        let any = Card {
            id: 0,
            name: t.any_staff.into(),
            position: t.any_staff_hint.into(),
            photo: None,
            rating: None,
            note: near(&soonest),
            bookable: true,
        };
        let people = list.staff.iter().map(|s| Card {
            id: s.id,
            name: s.name.clone(),
            position: s.position.clone(),
            // YCLIENTS gives masters without a photo a stock picture; their initial reads better.
            photo: Some(
                s.avatar
                    .clone()
                    .filter(|src| !src.is_empty() && !src.contains("no-master"))
                    .unwrap_or_default(),
            ),
            rating: (s.rating > 0.0).then(|| rating(lang, s.rating)),
            note: if s.bookable {
                near(&s.nearest)
            } else {
                Some(t.not_bookable.into())
            },
            bookable: s.bookable,
        });
        std::iter::once(any)
            .chain(people)
            .map(|c| card(ctx, lang, c))
            .collect_view()
    }
}

fn card(ctx: Ctx, lang: Lang, c: Card) -> impl IntoView {
    let t = lang.t();
    let id = c.id;
    let photo = match c.photo {
        Some(src) if !src.is_empty() => Either::Right(view! {
            <img class="zw-ava" src=src alt="" width="48" height="48" loading="lazy"/>
        }),
        other => {
            let (class, sign) = match other {
                None => ("zw-ava zw-any", "✦".to_owned()),
                Some(_) => ("zw-ava", c.name.chars().take(1).collect()),
            };
            Either::Left(view! { <span class=class aria-hidden="true">{sign}</span> })
        }
    };
    let stars = c.rating.map(|r| {
        view! {
            <span class="zw-rating">
                <span aria-hidden="true">{format!("★ {r}")}</span>
                <span class="zw-sr">{format!("{}{r}{}", t.rating, t.of_five)}</span>
            </span>
        }
    });
    view! {
        <button type="button" class="zw-item zw-person" data-testid=format!("staff-{id}")
            aria-current=move || (ctx.draft.staff.get() == Some(id)).then_some("true")
            disabled=!c.bookable
            on:click=move |_| flow::choose_staff(ctx, id)>
            {photo}
            <span class="zw-person-text">
                <span class="zw-item-title">{c.name}</span>
                <span class="zw-muted">{c.position}</span>
                {stars}
                {c.note.map(|n| view! { <span class="zw-near">{n}</span> })}
            </span>
        </button>
    }
}
