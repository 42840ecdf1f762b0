//! Step 6: what is being booked, then name, phone (masked), email and comment when the company
//! wants them, and consent. Checked as typed; each error sits beside its field and is announced.

use crate::reactive::*;
use wasm_bindgen::JsCast;

use super::{
    error_banner::error_banner,
    field::{Spec, clear_server_error, field, server_error},
    service_step::input_value,
    step,
    summary::summary,
};
use crate::{
    dom::{El, el, focus},
    flow, format,
    i18n::Texts,
    state::Ctx,
    submit,
    validate::{comment_error, drop_last_digit, email_error, mask_phone, name_error, phone_error},
};

const NAME: u8 = 1;
const PHONE: u8 = 2;
const EMAIL: u8 = 4;
const COMMENT: u8 = 8;
const CONSENT: u8 = 16;
const FIELDS: [(u8, &str); 5] = [
    (NAME, "name"),
    (PHONE, "phone"),
    (EMAIL, "email"),
    (COMMENT, "comment"),
    (CONSENT, "consent"),
];

/// Keeps the phone masked; a Backspace that only removed mask punctuation removes a digit.
fn phone_mask(old: &str, new: &str, deleting: bool) -> String {
    let masked = mask_phone(new);
    if deleting && masked == old {
        drop_last_digit(old)
    } else {
        masked
    }
}

/// What is being booked, from the draft.
fn booking_summary(ctx: Ctx) -> El {
    let d = ctx.draft;
    el("div").kid_dyn(move || {
        let lang = ctx.lang.get();
        let t = lang.t();
        let chosen = ctx.chosen_services();
        let staff = match d.staff.get() {
            None | Some(0) => t.any_staff.to_owned(),
            Some(id) => ctx
                .staff
                .ready()
                .and_then(|l| l.staff.into_iter().find(|s| s.id == id))
                .map(|s| s.name)
                .unwrap_or_default(),
        };
        let (min, max) = chosen
            .iter()
            .fold((0.0, 0.0), |(a, b), s| (a + s.price_min, b + s.price_max));
        let slot = d.slot.get();
        let planned: u32 = chosen.iter().map(|s| s.duration).sum();
        let length = slot
            .as_ref()
            .map(|s| s.length)
            .filter(|l| *l > 0)
            .unwrap_or(planned);
        let branch = if ctx.chain() {
            ctx.branch().map(|b| b.title).unwrap_or_default()
        } else {
            String::new()
        };
        Some(summary(vec![
            (t.sum_branch, branch),
            (
                t.sum_services,
                chosen
                    .iter()
                    .map(|s| s.title.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            (t.sum_staff, staff),
            (
                t.sum_when,
                slot.map(|s| format::when(lang, &s.datetime))
                    .unwrap_or_default(),
            ),
            (
                t.sum_price,
                format::price(lang, min, max).unwrap_or_default(),
            ),
            (t.sum_length, format::duration(lang, length)),
        ]))
    })
}

pub fn contact_form(ctx: Ctx) -> El {
    let d = ctx.draft;
    let branch = ctx.branch();
    let (email_required, comment_required, sms) = branch
        .as_ref()
        .map(|b| (b.email_required, b.comment_required, b.phone_confirmation))
        .unwrap_or_default();
    if d.staff.get_untracked().is_some_and(|s| s != 0) {
        flow::load_staff(ctx, false);
    }
    let touched = RwSignal::new(0u8);
    let tried = RwSignal::new(false);

    let check = move |bit: u8| -> Option<&'static str> {
        let t = ctx.t();
        match bit {
            NAME => d.name.with(|v| name_error(t, v)),
            PHONE => d.phone.with(|v| phone_error(t, v)),
            EMAIL => d.email.with(|v| email_error(t, v, email_required)),
            COMMENT => d.comment.with(|v| comment_error(t, v, comment_required)),
            _ => (!d.consent.get()).then_some(t.err_consent),
        }
    };
    let shown = move |bit: u8, key: &'static str| {
        let client = (touched.get() & bit != 0).then(|| check(bit)).flatten();
        client.map(String::from).or_else(|| server_error(ctx, key))
    };
    // A field with its label ("(optional)" unless required) and its error once it was left.
    let input = move |spec: Spec,
                      text: fn(&'static Texts) -> &'static str,
                      required: bool,
                      value,
                      bit: u8| {
        let label = move || {
            let t = ctx.t();
            if required {
                text(t).to_owned()
            } else {
                format!("{}{}", text(t), t.optional)
            }
        };
        let left = move || touched.update(|t| *t |= bit);
        field(ctx, spec, label, value, move || shown(bit, spec.key), left)
    };
    let phone = Spec {
        kind: "tel",
        inputmode: "tel",
        mask: Some(phone_mask),
        max: "24",
        ..Spec::text("phone", "tel")
    };
    let email = Spec {
        kind: "email",
        inputmode: "email",
        ..Spec::text("email", "email")
    };
    let comment = Spec {
        multiline: true,
        max: "1000",
        ..Spec::text("comment", "off")
    };
    let privacy = ctx
        .site
        .ready()
        .and_then(|s| s.privacy_url)
        .filter(|u| !u.is_empty());

    let consent_box = el("input")
        .attr("type", "checkbox")
        .attr("id", "zw-consent")
        .testid("consent")
        .attr("aria-describedby", "zw-err-consent")
        .prop_dyn("checked", move || d.consent.get().into())
        .attr_dyn("aria-invalid", move || {
            Some(shown(CONSENT, "consent").is_some().to_string())
        })
        .on("change", move |ev| {
            let checked = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some_and(|i| i.checked());
            d.consent.set(checked);
            touched.update(|t| *t |= CONSENT);
            clear_server_error(ctx, "consent");
        });
    let consent_label = el("label")
        .attr("for", "zw-consent")
        .text_dyn(move || ctx.t().consent.into())
        .maybe(privacy.map(|url| {
            let link = el("a")
                .attr("href", &url)
                .attr("target", "_blank")
                .attr("rel", "noopener")
                .testid("policy");
            el("span")
                .text(" (")
                .child(link.text_dyn(move || ctx.t().policy.into()))
                .text(")")
        }));
    let consent = el("div")
        .cls("zw-field zw-check")
        .child(consent_box)
        .child(consent_label)
        .child(
            el("p")
                .cls("zw-err")
                .attr("id", "zw-err-consent")
                .attr("aria-live", "polite")
                .text_dyn(move || shown(CONSENT, "consent").unwrap_or_default()),
        );
    let honeypot = el("div").cls("zw-hp").attr("aria-hidden", "true").child(
        el("label").text("Website").child(
            el("input")
                .attr("name", "website")
                .attr("tabindex", "-1")
                .attr("autocomplete", "off")
                .on("input", move |ev| d.website.set(input_value(&ev))),
        ),
    );
    let submit = el("button")
        .attr("type", "submit")
        .cls("zw-btn zw-wide")
        .testid("submit")
        .flag("disabled", "", move || ctx.submit.busy.get())
        .text_dyn(move || {
            let t = ctx.t();
            if ctx.submit.busy.get() {
                t.sending
            } else if sms {
                t.get_code
            } else {
                t.submit
            }
            .into()
        });

    let form = el("form").cls("zw-form").attr("novalidate", "");
    let form_node = form.node().clone();
    let form = form
        .on("submit", move |ev| {
            ev.prevent_default();
            touched.set(u8::MAX);
            if let Some((_, key)) = FIELDS
                .iter()
                .find(|(bit, _)| untrack(|| check(*bit)).is_some())
            {
                tried.set(true);
                focus(&form_node, &format!("#zw-{key}"));
                return;
            }
            tried.set(false);
            submit::submit_contact(ctx);
        })
        .child(input(
            Spec::text("name", "name"),
            |t| t.name,
            true,
            d.name,
            NAME,
        ))
        .child(input(phone, |t| t.phone, true, d.phone, PHONE))
        .maybe(email_required.then(|| input(email, |t| t.email, true, d.email, EMAIL)))
        .child(input(
            comment,
            |t| t.comment,
            comment_required,
            d.comment,
            COMMENT,
        ))
        .child(consent)
        .child(honeypot)
        .child(
            el("p")
                .cls("zw-form-err")
                .attr("role", "alert")
                .text_dyn(move || {
                    let invalid =
                        tried.get() && FIELDS.iter().any(|(bit, _)| check(*bit).is_some());
                    if invalid {
                        ctx.t().form_invalid.into()
                    } else {
                        String::new()
                    }
                }),
        )
        .child(el("div").kid_dyn(move || {
            ctx.submit
                .error
                .get()
                .map(|e| error_banner(ctx, e, Some(Box::new(move || submit::submit_contact(ctx)))))
        }))
        .child(el("div").cls("zw-foot").child(submit));
    step(ctx, "contact", |t| t.contact)
        .child(booking_summary(ctx))
        .child(form)
}
