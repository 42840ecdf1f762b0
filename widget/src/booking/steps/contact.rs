//! Step 6: what is being booked, then name, phone (masked), email and comment when the company
//! wants them, and consent. Checked as typed; each error sits beside its field and is announced.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::{
    booking::{flow, state::Ctx, submit},
    format,
    i18n::Texts,
    ui::{
        Act, StepSection, Text,
        error_banner::ErrorBanner,
        field::{Field, Spec},
        focus, input_value,
        summary::Summary,
    },
    validate::{comment_error, drop_last_digit, email_error, mask_phone, name_error, phone_error},
};

const NAME: u32 = 1;
const PHONE: u32 = 2;
const EMAIL: u32 = 4;
const COMMENT: u32 = 8;
const CONSENT: u32 = 16;
const FIELDS: [(u32, &str); 5] = [
    (NAME, "name"),
    (PHONE, "phone"),
    (EMAIL, "email"),
    (COMMENT, "comment"),
    (CONSENT, "consent"),
];

/// Keeps the phone masked; a Backspace that only removed mask punctuation removes a digit.
pub(crate) fn phone_mask(old: &str, new: &str, deleting: bool) -> String {
    let masked = mask_phone(new);
    if deleting && masked == old {
        drop_last_digit(old)
    } else {
        masked
    }
}

/// What is being booked, from the draft.
#[component]
fn BookingSummary() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let d = ctx.draft;
    move || {
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
        let here = ctx.branch();
        let zone = here
            .as_ref()
            .map(|b| format::zone_of(lang, b))
            .unwrap_or_default();
        let when = slot
            .map(|s| format::zoned(lang, &s.datetime, zone))
            .unwrap_or_default();
        let branch = match here {
            Some(b) if ctx.chain() => b.title,
            _ => String::new(),
        };
        let services = chosen
            .iter()
            .map(|s| s.title.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let rows = vec![
            (t.sum_branch, branch),
            (t.sum_services, services),
            (t.sum_staff, staff),
            (t.sum_when, when),
            (
                t.sum_price,
                format::price(lang, min, max).unwrap_or_default(),
            ),
            (t.sum_length, format::duration(lang, length)),
        ];
        view! { <Summary rows/> }
    }
}

#[component]
pub fn ContactStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let d = ctx.draft;
    let branch = ctx.branch();
    let (email_required, comment_required, sms) = branch
        .as_ref()
        .map(|b| (b.email_required, b.comment_required, b.phone_confirmation))
        .unwrap_or_default();
    if d.staff.get_untracked().is_some_and(|s| s != 0) {
        flow::load_staff(ctx, false);
    }
    let touched = RwSignal::new(0u32);
    let tried = RwSignal::new(false);

    let check = move |bit: u32| -> Option<&'static str> {
        let t = ctx.t();
        match bit {
            NAME => d.name.with(|v| name_error(t, v)),
            PHONE => d.phone.with(|v| phone_error(t, v)),
            EMAIL => d.email.with(|v| email_error(t, v, email_required)),
            COMMENT => d.comment.with(|v| comment_error(t, v, comment_required)),
            _ => (!d.consent.get()).then_some(t.err_consent),
        }
    };
    let shown = move |bit: u32, key: &'static str| {
        let client = (touched.get() & bit != 0).then(|| check(bit)).flatten();
        client
            .map(String::from)
            .or_else(|| ctx.submit.field_error_for(key))
    };
    // A field with its label ("(optional)" unless required) and its error once it was left.
    let input = move |spec: Spec,
                      text: fn(&'static Texts) -> &'static str,
                      required: bool,
                      value: RwSignal<String>,
                      bit: u32| {
        let label: Text<String> = std::sync::Arc::new(move || {
            let t = ctx.t();
            if required {
                text(t).to_owned()
            } else {
                format!("{}{}", text(t), t.optional)
            }
        });
        let error: Text<Option<String>> = std::sync::Arc::new(move || shown(bit, spec.key));
        let left: Act = std::sync::Arc::new(move || touched.update(|t| *t |= bit));
        let edited: Act = std::sync::Arc::new(move || ctx.submit.clear_field_error(spec.key));
        view! { <Field spec label value error left edited/> }
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
    let policy = privacy.map(|url| {
        view! {
            <span>
                " ("
                <a href=url target="_blank" rel="noopener" data-testid="policy">
                    {move || ctx.t().policy}
                </a>
                ")"
            </span>
        }
    });
    let on_consent = move |ev: web_sys::Event| {
        let checked = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|i| i.checked());
        d.consent.set(checked);
        touched.update(|t| *t |= CONSENT);
        ctx.submit.clear_field_error("consent");
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        touched.set(u32::MAX);
        if let Some((_, key)) = FIELDS
            .iter()
            .find(|(bit, _)| untrack(|| check(*bit)).is_some())
        {
            tried.set(true);
            if let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                focus(&form, &format!("#zw-{key}"));
            }
            return;
        }
        tried.set(false);
        submit::submit_contact(ctx);
    };
    let form_error = move || {
        let invalid = tried.get() && FIELDS.iter().any(|(bit, _)| check(*bit).is_some());
        if invalid { ctx.t().form_invalid } else { "" }
    };
    let banner = move || {
        ctx.submit.error.get().map(|error| {
            let retry: Act = std::sync::Arc::new(move || submit::submit_contact(ctx));
            view! { <ErrorBanner error retry/> }
        })
    };
    let button_text = move || {
        let t = ctx.t();
        if ctx.submit.busy() {
            t.sending
        } else if sms {
            t.get_code
        } else {
            t.submit
        }
    };

    view! {
        <StepSection name="contact" title=|t| t.contact>
            <BookingSummary/>
            <form class="zw-form" novalidate="" on:submit=on_submit>
                {input(Spec::text("name", "name"), |t| t.name, true, d.name, NAME)}
                {input(phone, |t| t.phone, true, d.phone, PHONE)}
                {email_required.then(|| input(email, |t| t.email, true, d.email, EMAIL))}
                {input(comment, |t| t.comment, comment_required, d.comment, COMMENT)}
                <div class="zw-field zw-check">
                    <input type="checkbox" id="zw-consent" data-testid="consent"
                        aria-describedby="zw-err-consent"
                        prop:checked=move || d.consent.get()
                        aria-invalid=move || shown(CONSENT, "consent").is_some().to_string()
                        on:change=on_consent/>
                    <label for="zw-consent">{move || ctx.t().consent}{policy}</label>
                    <p class="zw-err" id="zw-err-consent" aria-live="polite">
                        {move || shown(CONSENT, "consent").unwrap_or_default()}
                    </p>
                </div>
                <div class="zw-hp" aria-hidden="true">
                    <label>
                        "Website"
                        <input name="website" tabindex="-1" autocomplete="off"
                            on:input=move |ev| d.website.set(input_value(&ev))/>
                    </label>
                </div>
                <p class="zw-form-err" role="alert">{form_error}</p>
                <div>{banner}</div>
                <div class="zw-foot">
                    <button type="submit" class="zw-btn zw-wide" data-testid="submit"
                        disabled=move || ctx.submit.busy()>
                        {button_text}
                    </button>
                </div>
            </form>
        </StepSection>
    }
}
