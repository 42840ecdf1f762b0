//! The cabinet's form fields, as the booking's [`Field`](crate::ui::field::Field) shows them:
//! their specs (phone with the booking's mask, SMS code, email), their labels, and their errors
//! once the form was sent.

use std::sync::Arc;

use leptos::prelude::*;

use super::{state::Ctx, texts::Label};
use crate::{
    booking::steps::contact::phone_mask,
    ui::{Act, Text, field::Spec},
    validate::{email_error, phone_error},
};

pub fn phone_spec() -> Spec {
    Spec {
        kind: "tel",
        inputmode: "tel",
        mask: Some(phone_mask),
        max: "30",
        ..Spec::text("phone", "tel")
    }
}

pub fn code_spec() -> Spec {
    Spec {
        inputmode: "numeric",
        max: "10",
        ..Spec::text("code", "one-time-code")
    }
}

pub fn email_spec(key: &'static str, autocomplete: &'static str) -> Spec {
    Spec {
        kind: "email",
        inputmode: "email",
        max: "254",
        ..Spec::text(key, autocomplete)
    }
}

/// The phone's error once the form was sent.
pub fn phone_check(
    ctx: Ctx,
    tried: RwSignal<bool>,
    phone: RwSignal<String>,
) -> Text<Option<String>> {
    Arc::new(move || {
        let t = ctx.lang.get().t();
        tried
            .get()
            .then(|| phone.with(|p| phone_error(t, p)))
            .flatten()
            .map(str::to_owned)
    })
}

/// The email's error once the form was sent (empty is fine unless `required`).
pub fn email_check(
    ctx: Ctx,
    tried: RwSignal<bool>,
    email: RwSignal<String>,
    required: bool,
) -> Text<Option<String>> {
    Arc::new(move || {
        let t = ctx.lang.get().t();
        tried
            .get()
            .then(|| email.with(|e| email_error(t, e, required)))
            .flatten()
            .map(str::to_owned)
    })
}

/// A label that follows the language.
pub fn label(ctx: Ctx, f: Label) -> Text<String> {
    Arc::new(move || f(ctx.t()).to_owned())
}

/// A required field's error (`msg`) once the form was sent (`tried`).
pub fn required(
    ctx: Ctx,
    tried: RwSignal<bool>,
    value: RwSignal<String>,
    msg: fn(crate::i18n::Lang) -> &'static str,
) -> Text<Option<String>> {
    Arc::new(move || {
        (tried.get() && value.with(|v| v.trim().is_empty())).then(|| msg(ctx.lang.get()).to_owned())
    })
}

pub fn nothing() -> Act {
    Arc::new(|| {})
}
