//! The booking draft and everything the steps share, in Leptos signals. One [`Ctx`] per mounted
//! widget, provided as context by [`embed`](crate::embed) and read with `expect_context`, so two
//! widgets on a page never see each other's state.

use leptos::prelude::*;
use protocol::{
    booking::BookingResult,
    catalog::{Branch, Dates, Services, SiteInfo, Slot, StaffList, Times},
};

use crate::{
    api::{Api, ApiError, Reply},
    i18n::{Lang, Texts},
    options::Options,
};

/// Where the visitor is. `data-step` on the step's section is [`Step::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Site config is loading (or failed to).
    Start,
    Branch,
    Services,
    Staff,
    Date,
    Time,
    Contact,
    Code,
    Done,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Start => "start",
            Step::Branch => "branch",
            Step::Services => "services",
            Step::Staff => "staff",
            Step::Date => "date",
            Step::Time => "time",
            Step::Contact => "contact",
            Step::Code => "code",
            Step::Done => "success",
        }
    }
}

/// A value fetched from the API.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiError),
}

/// One fetched value and the request it answers (`key`), in two Leptos signals.
///
/// Why not a `LocalResource`: a resource runs again whenever its inputs change, so Back and
/// forth through the steps would ask the server again each time (and spend the salon's
/// YCLIENTS budget); here asking again with the same key reuses the answer, an answer for a
/// stale key is dropped, and a `slot_taken` refusal can put the fresh times it carries straight
/// in ([`Fetch::put`]).
pub struct Fetch<T: Send + Sync + 'static> {
    key: RwSignal<String>,
    pub state: RwSignal<Load<T>>,
}

impl<T: Send + Sync + 'static> Clone for Fetch<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Fetch<T> {}

impl<T: Clone + Send + Sync + 'static> Fetch<T> {
    pub fn new() -> Self {
        Fetch {
            key: RwSignal::new(String::new()),
            state: RwSignal::new(Load::Loading),
        }
    }

    /// Starts `call` unless this key is already loaded or loading (`force` retries a failure).
    pub fn fetch(self, key: String, force: bool, call: impl FnOnce() -> Reply<T>) {
        let same = self.key.get_untracked() == key;
        if same && !force && !matches!(self.state.get_untracked(), Load::Failed(_)) {
            return;
        }
        self.key.set(key.clone());
        self.state.set(Load::Loading);
        let fut = call();
        leptos::task::spawn_local(async move {
            let result = fut.await;
            if self.key.try_get_untracked().as_deref() == Some(key.as_str()) {
                self.state.set(match result {
                    Ok(v) => Load::Ready(v),
                    Err(e) => Load::Failed(e),
                });
            }
        });
    }

    /// Puts a value in directly (fresh times that came with `slot_taken`).
    pub fn put(self, key: String, value: T) {
        self.key.set(key);
        self.state.set(Load::Ready(value));
    }

    /// Forgets the key, so the next fetch asks the server again.
    pub fn invalidate(self) {
        self.key.set(String::new());
    }

    pub fn ready(self) -> Option<T> {
        self.state.with(|s| match s {
            Load::Ready(v) => Some(v.clone()),
            _ => None,
        })
    }
}

impl<T: Clone + Send + Sync + 'static> Default for Fetch<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// What the visitor has chosen and typed. Kept while they move Back and forth.
#[derive(Clone, Copy)]
pub struct Draft {
    pub branch: RwSignal<Option<u64>>,
    pub services: RwSignal<Vec<u64>>,
    /// `Some(0)` = any master.
    pub staff: RwSignal<Option<u64>>,
    pub date: RwSignal<Option<String>>,
    pub slot: RwSignal<Option<Slot>>,
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
            services: RwSignal::new(Vec::new()),
            staff: RwSignal::new(None),
            date: RwSignal::new(None),
            slot: RwSignal::new(None),
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

/// Sending the booking (or the code request): the outcome, and the attempt's key. Whether one
/// is under way is the [`Action`]'s `pending()`.
#[derive(Clone, Copy)]
pub struct Submit {
    /// Sends an [`Attempt`] and turns the answer into the next step (see `submit.rs`).
    pub action: Action<(Ctx, Attempt), ()>,
    /// The action's `pending()`, made once.
    pub pending: Memo<bool>,
    /// An error that is not about one field (shown as a banner; with retry when it may help).
    pub error: RwSignal<Option<ApiError>>,
    /// A server error about one field: (`phone`, message).
    pub field_error: RwSignal<Option<(String, String)>>,
    /// `Idempotency-Key` of the current attempt; kept across retries of that attempt.
    pub key: RwSignal<Option<String>>,
    pub result: RwSignal<Option<BookingResult>>,
    /// How many SMS codes were sent (the resend countdown restarts on each).
    pub sent: RwSignal<u32>,
}

impl Submit {
    /// A submission is under way (buttons say "Sending…" and are disabled).
    pub fn busy(self) -> bool {
        self.pending.get()
    }

    /// The server's error about `field`, until the visitor edits that field.
    pub fn field_error_for(self, field: &str) -> Option<String> {
        self.field_error.with(|e| {
            e.as_ref()
                .filter(|(f, _)| f == field)
                .map(|(_, m)| m.clone())
        })
    }

    /// The visitor edited `field`: the server's error about it goes.
    pub fn clear_field_error(self, field: &str) {
        if self
            .field_error
            .with_untracked(|e| e.as_ref().is_some_and(|(f, _)| f == field))
        {
            self.field_error.set(None);
        }
    }
}

/// One submission: book with this key, or ask for a code.
#[derive(Clone)]
pub enum Attempt {
    Book(String, Box<protocol::booking::BookingRequest>),
    Code(u64, protocol::booking::CodeRequest),
}

/// Steps settled by preselection (`service` / `staff` opts) that forward moves skip once
/// (two `bool` signals rather than a struct: every signal type costs its own copy of code).
#[derive(Clone, Copy)]
pub struct Skip {
    pub services: RwSignal<bool>,
    pub staff: RwSignal<bool>,
}

#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub api: StoredValue<Api, LocalStorage>,
    pub opts: StoredValue<Options>,
    pub site: Fetch<SiteInfo>,
    pub services: Fetch<Services>,
    pub staff: Fetch<StaffList>,
    pub dates: Fetch<Dates>,
    pub times: Fetch<Times>,
    pub step: RwSignal<Step>,
    pub draft: Draft,
    /// A message for the visitor on top of the current step (slot taken, service gone…).
    pub notice: RwSignal<Option<String>>,
    pub submit: Submit,
    pub skip: Skip,
    /// Set for the modal: what the close button, Esc, the backdrop and "Done" do.
    pub close: Option<fn()>,
}

impl Ctx {
    /// Makes the signals under the current owner (the mount's) and provides the context.
    pub fn provide(api: Api, opts: Options, lang: RwSignal<Lang>, close: Option<fn()>) -> Ctx {
        let action = crate::booking::submit::action();
        let ctx = Ctx {
            lang,
            api: StoredValue::new_local(api),
            opts: StoredValue::new(opts),
            site: Fetch::new(),
            services: Fetch::new(),
            staff: Fetch::new(),
            dates: Fetch::new(),
            times: Fetch::new(),
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
            skip: Skip {
                services: RwSignal::new(false),
                staff: RwSignal::new(false),
            },
            close,
        };
        provide_context(ctx);
        ctx
    }

    /// The texts of the current language (tracks the language).
    pub fn t(self) -> &'static Texts {
        self.lang.get().t()
    }

    pub fn api(self) -> Api {
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

    /// How a time at the chosen branch is said (ru, en): «по времени Екатеринбурга».
    pub fn zone_names(self) -> Option<(String, String)> {
        untrack(|| self.branch()).map(|b| (b.zone_ru, b.zone_en))
    }

    pub fn chain(self) -> bool {
        self.site
            .state
            .with(|s| matches!(s, Load::Ready(site) if site.branches.len() > 1))
    }

    /// The chosen services, resolved against the loaded list.
    pub fn chosen_services(self) -> Vec<protocol::catalog::Service> {
        let ids = self.draft.services.get();
        self.services.state.with(|s| match s {
            Load::Ready(list) => list
                .services
                .iter()
                .filter(|s| ids.contains(&s.id))
                .cloned()
                .collect(),
            _ => Vec::new(),
        })
    }
}
