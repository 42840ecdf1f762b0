//! Chains only: which branch's schedule, with its address.

use leptos::prelude::*;

use crate::{
    events::{flow, state::Ctx},
    ui::StepSection,
};

#[component]
pub fn BranchList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let list = move || {
        let branches = ctx.site.ready().map(|s| s.branches).unwrap_or_default();
        branches
            .into_iter()
            .map(|b| {
                let id = b.id;
                view! {
                    <li>
                        <button type="button" class="zw-item" data-testid=format!("branch-{id}")
                            aria-current=move || (ctx.draft.branch.get() == Some(id)).then_some("true")
                            on:click=move |_| flow::choose_branch(ctx, id)>
                            <span class="zw-item-title">{b.title}</span>
                            <span class="zw-muted">{b.address}</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <StepSection name="branch" title=|t| t.choose_branch>
            <ul class="zw-list">{list}</ul>
        </StepSection>
    }
}
