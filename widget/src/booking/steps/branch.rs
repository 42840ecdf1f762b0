//! Step 1 (chains only): which branch, with its address and nearest free time.

use leptos::{either::Either, prelude::*};

use crate::{
    booking::{flow, state::Ctx},
    format,
    ui::StepSection,
};

#[component]
pub fn BranchStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let list = move || {
        let lang = ctx.lang.get();
        let t = lang.t();
        let branches = ctx.site.ready().map(|s| s.branches).unwrap_or_default();
        if branches.is_empty() {
            return Either::Left(
                view! { <li class="zw-empty" role="status">{t.nothing_found}</li> },
            );
        }
        let items = branches
            .into_iter()
            .map(|b| {
                let id = b.id;
                let near = b.nearest.as_ref().map(|n| {
                    format!("{}{}", t.nearest, format::zoned(lang, n, format::zone_of(lang, &b)))
                });
                view! {
                    <li>
                        <button type="button" class="zw-item" data-testid=format!("branch-{id}")
                            aria-current=move || (ctx.draft.branch.get() == Some(id)).then_some("true")
                            on:click=move |_| flow::choose_branch(ctx, id)>
                            <span class="zw-item-title">{b.title}</span>
                            <span class="zw-muted">{b.address}</span>
                            {near.map(|n| view! { <span class="zw-near">{n}</span> })}
                        </button>
                    </li>
                }
            })
            .collect_view();
        Either::Right(items)
    };
    view! {
        <StepSection name="branch" title=|t| t.choose_branch>
            <ul class="zw-list">{list}</ul>
        </StepSection>
    }
}
