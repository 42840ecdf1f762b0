//! The sign-up draft and what the events screens share, in Leptos signals: one [`Ctx`] per
//! mounted schedule, provided as context (two on a page never see each other's state). Fetched
//! values use the booking flow's [`Fetch`]: asking again with the same key reuses the answer.

use leptos::prelude::*;
use protocol::{
    catalog::{Branch, SiteInfo},
    events::{GroupEvent, Schedule, SignupRequest, SignupResult},
};

use super::{
    api::EventsApi,
    texts::{EventTexts, et},
};
use crate::{
    api::ApiError,
    booking::state::{Fetch, Load},
    format::Ymd,
    i18n::{Lang, Texts},
    options::Options,
};

/// Where the visitor is. `data-step` on the step's section is [`Step::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The site config is loading (or failed to).
    Start,
    Branch,
    Schedule,
    Seats,
    Contact,
    Code,
    Done,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Start => "start",
            Step::Branch => "branch",
            Step::Schedule => "schedule",
            Step::Seats => "seats",
            Step::Contact => "contact",
            Step::Code => "code",
            Step::Done => "success",
        }
    }
}

/// What the visitor has chosen and typed; kept while they move Back and forth.
#[derive(Clone, Copy)]
pub struct Draft {
    pub branch: RwSignal<Option<u64>>,
    /// First day of the week shown; `None` = the branch's today (the server's default).
    pub week: RwSignal<Option<Ymd>>,
    /// Filters: 0 = all.
    pub category: RwSignal<u64>,
    pub master: RwSignal<u64>,
    pub event: RwSignal<Option<GroupEvent>>,
    pub seats: RwSignal<u32>,
    pub name: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub email: RwSignal<String>,
    pub comment: RwSignal<String>,
    pub consent: RwSignal<bool>,
    pub code: RwSignal<String>,
    /// Honeypot: people never see it; bots fill it.
    pub website: RwSignal<String>,
}

impl Draft {
    fn new() -> Draft {
        Draft {
            branch: RwSignal::new(None),
            week: RwSignal::new(None),
            category: RwSignal::new(0),
            master: RwSignal::new(0),
            event: RwSignal::new(None),
            seats: RwSignal::new(1),
            name: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            comment: RwSignal::new(String::new()),
            consent: RwSignal::new(false),
            code: RwSignal::new(String::new()),
            website: RwSignal::new(String::new()),
        }
    }
}

/// One submission: sign up with this key, or ask for a code.
#[derive(Clone)]
pub enum Attempt {
    SignUp(String, Box<SignupRequest>),
    Code(u64, protocol::booking::CodeRequest),
}

/// Sending the sign-up (or the code request): the outcome and the attempt's key.
#[derive(Clone, Copy)]
pub struct Submit {
    pub action: Action<(Ctx, Attempt), ()>,
    pub pending: Memo<bool>,
    /// An error that is not about one field (a banner; with retry when it may help).
    pub error: RwSignal<Option<ApiError>>,
    /// A server error about one field: (`phone`, message).
    pub field_error: RwSignal<Option<(String, String)>>,
    /// `Idempotency-Key` of the current attempt; kept across retries of that attempt.
    pub key: RwSignal<Option<String>>,
    pub result: RwSignal<Option<SignupResult>>,
    /// How many SMS codes were sent (the resend countdown restarts on each).
    pub sent: RwSignal<u32>,
}

impl Submit {
    pub fn busy(self) -> bool {
        self.pending.get()
    }

    pub fn field_error_for(self, field: &str) -> Option<String> {
        self.field_error.with(|e| {
            e.as_ref()
                .filter(|(f, _)| f == field)
                .map(|(_, m)| m.clone())
        })
    }

    pub fn clear_field_error(self, field: &str) {
        if self
            .field_error
            .with_untracked(|e| e.as_ref().is_some_and(|(f, _)| f == field))
        {
            self.field_error.set(None);
        }
    }
}

#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub api: StoredValue<EventsApi, LocalStorage>,
    pub opts: StoredValue<Options>,
    pub site: Fetch<SiteInfo>,
    pub schedule: Fetch<Schedule>,
    /// First day of the first week shown (the branch's today): no week before it.
    pub first_week: RwSignal<Option<Ymd>>,
    pub step: RwSignal<Step>,
    pub draft: Draft,
    /// A message on top of the current step (no seats left, the event is gone…).
    pub notice: RwSignal<Option<String>>,
    pub submit: Submit,
    /// Set for the modal: what the close button, Esc, the backdrop and "Done" do.
    pub close: Option<fn()>,
}

impl Ctx {
    /// Makes the signals under the current owner (the mount's) and provides the context.
    pub fn provide(
        api: EventsApi,
        opts: Options,
        lang: RwSignal<Lang>,
        close: Option<fn()>,
    ) -> Ctx {
        let action = super::submit::action();
        let ctx = Ctx {
            lang,
            api: StoredValue::new_local(api),
            opts: StoredValue::new(opts),
            site: Fetch::new(),
            schedule: Fetch::new(),
            first_week: RwSignal::new(None),
            step: RwSignal::new(Step::Start),
            draft: Draft::new(),
            notice: RwSignal::new(None),
            submit: Submit {
                action,
                pending: action.pending(),
                error: RwSignal::new(None),
                field_error: RwSignal::new(None),
                key: RwSignal::new(None),
                result: RwSignal::new(None),
                sent: RwSignal::new(0),
            },
            close,
        };
        provide_context(ctx);
        ctx
    }

    /// The shared texts of the current language (tracks the language).
    pub fn t(self) -> &'static Texts {
        self.lang.get().t()
    }

    /// The events texts of the current language (tracks the language).
    pub fn et(self) -> &'static EventTexts {
        et(self.lang.get())
    }

    pub fn api(self) -> EventsApi {
        self.api.get_value()
    }

    /// The chosen branch, once the site config is in.
    pub fn branch(self) -> Option<Branch> {
        let id = self.draft.branch.get()?;
        self.site.state.with(|s| match s {
            Load::Ready(site) => site.branches.iter().find(|b| b.id == id).cloned(),
            _ => None,
        })
    }

    pub fn chain(self) -> bool {
        self.site
            .state
            .with(|s| matches!(s, Load::Ready(site) if site.branches.len() > 1))
    }

    /// The loaded week's schedule (tracks it).
    pub fn week(self) -> Option<Schedule> {
        self.schedule.ready()
    }

    /// What the branch asks of a sign-up: (SMS code, email, comment); from the schedule, else
    /// from the site config.
    pub fn asks(self) -> (bool, bool, bool) {
        let from_schedule = self.schedule.state.with(|s| match s {
            Load::Ready(w) => Some((w.phone_confirmation, w.email_required, w.comment_required)),
            _ => None,
        });
        from_schedule.unwrap_or_else(|| {
            self.branch()
                .map(|b| (b.phone_confirmation, b.email_required, b.comment_required))
                .unwrap_or_default()
        })
    }

    /// The most seats the chosen event can take in one sign-up: the salon's maximum, never more
    /// than the seats left.
    pub fn seat_limit(self) -> u32 {
        let max = self
            .schedule
            .state
            .with(|s| match s {
                Load::Ready(w) => Some(w.max_seats),
                _ => None,
            })
            .unwrap_or(1);
        let left = self
            .draft
            .event
            .with(|e| e.as_ref().map_or(0, |e| e.seats_left));
        max.min(left)
    }
}
