//! Step 1 (chains only): which branch, with its address and nearest free time.

use super::step;
use crate::{
    dom::{El, button, el},
    flow, format,
    state::Ctx,
};

pub fn branch_step(ctx: Ctx) -> El {
    let list = el("ul").cls("zw-list").kids_dyn(move || {
        let lang = ctx.lang.get();
        let t = lang.t();
        let branches = ctx.site.ready().map(|s| s.branches).unwrap_or_default();
        if branches.is_empty() {
            return vec![el("li").cls("zw-empty").attr("role", "status").text(t.nothing_found)];
        }
        branches
            .into_iter()
            .map(|b| {
                let id = b.id;
                let near = b
                    .nearest
                    .map(|n| format!("{}{}", t.nearest, format::when(lang, &n)));
                el("li").child(
                    button()
                        .cls("zw-item")
                        .testid(&format!("branch-{id}"))
                        .flag("aria-current", "true", move || {
                            ctx.draft.branch.get() == Some(id)
                        })
                        .click(move || flow::choose_branch(ctx, id))
                        .child(el("span").cls("zw-item-title").text(&b.title))
                        .child(el("span").cls("zw-muted").text(&b.address))
                        .maybe(near.map(|n| el("span").cls("zw-near").text(&n))),
                )
            })
            .collect()
    });
    step(ctx, "branch", |t| t.choose_branch).child(list)
}
