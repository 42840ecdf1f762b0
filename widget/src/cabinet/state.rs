//! What the cabinet's screens share, in Leptos signals: the session (kept in the salon site's
//! own `localStorage`, a key per site), the screen shown, the fetched data, and the one action
//! under way. A 401 from any call forgets the session and returns to sign-in.

use leptos::prelude::*;
use protocol::{
    cabinet::{Balances, Me, SignedIn, Thread, Visits},
    catalog::{Dates, Times},
    site::Theme,
};
use wasm_bindgen::JsValue;

use super::{api::CabinetApi, texts::Texts};
use crate::{
    api::{ApiError, Reply},
    booking::state::Fetch,
    i18n::Lang,
    options::Options,
};

/// The screen shown; `data-step` on its section is [`Screen::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Exchanging a booking's receipt, or checking a kept session.
    Start,
    SignIn,
    SecondStep,
    Visits,
    Classes,
    Reschedule(u64),
    Balances,
    Questions,
    Ask,
    Thread(u64),
    Profile,
    Delete,
    Deleted,
}

impl Screen {
    pub fn name(self) -> &'static str {
        match self {
            Screen::Start => "start",
            Screen::SignIn => "sign-in",
            Screen::SecondStep => "second-step",
            Screen::Visits => "visits",
            Screen::Classes => "classes",
            Screen::Reschedule(_) => "reschedule",
            Screen::Balances => "balances",
            Screen::Questions => "questions",
            Screen::Ask => "ask",
            Screen::Thread(_) => "thread",
            Screen::Profile => "profile",
            Screen::Delete => "delete",
            Screen::Deleted => "deleted",
        }
    }

    /// The screens the shipped `cabinet` module draws itself (sign-in and the visits, the first
    /// screen either way); the others come from `account` (`split.rs`).
    pub fn first(self) -> Option<Screen> {
        matches!(
            self,
            Screen::Start | Screen::SignIn | Screen::SecondStep | Screen::Visits | Screen::Classes
        )
        .then_some(self)
    }

    /// The screen as the two modules name it to each other: `thread:7`, `profile`.
    pub fn code(self) -> String {
        match self {
            Screen::Reschedule(id) | Screen::Thread(id) => format!("{}:{id}", self.name()),
            s => s.name().to_owned(),
        }
    }

    pub fn from_code(code: &str) -> Option<Screen> {
        let (name, id) = code.split_once(':').unwrap_or((code, ""));
        let id = id.parse().unwrap_or(0);
        Some(match name {
            "sign-in" => Screen::SignIn,
            "second-step" => Screen::SecondStep,
            "visits" => Screen::Visits,
            "classes" => Screen::Classes,
            "reschedule" => Screen::Reschedule(id),
            "balances" => Screen::Balances,
            "questions" => Screen::Questions,
            "ask" => Screen::Ask,
            "thread" => Screen::Thread(id),
            "profile" => Screen::Profile,
            "delete" => Screen::Delete,
            "deleted" => Screen::Deleted,
            _ => return None,
        })
    }

    /// The section (tab) a screen belongs to; `None` before sign-in and after deletion.
    pub fn tab(self) -> Option<Screen> {
        match self {
            Screen::Start | Screen::SignIn | Screen::SecondStep | Screen::Deleted => None,
            Screen::Reschedule(_) => Some(Screen::Visits),
            Screen::Ask | Screen::Thread(_) => Some(Screen::Questions),
            Screen::Delete => Some(Screen::Profile),
            s => Some(s),
        }
    }
}

#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub api: StoredValue<CabinetApi, LocalStorage>,
    pub opts: StoredValue<Options>,
    /// The usable session.
    pub session: RwSignal<Option<String>>,
    /// A password sign-in waiting for its SMS step: the session and the masked phone.
    pub pending: RwSignal<Option<SignedIn>>,
    pub screen: RwSignal<Screen>,
    pub me: Fetch<Me>,
    pub visits: Fetch<Visits>,
    pub balances: Fetch<Balances>,
    pub threads: Fetch<Vec<Thread>>,
    pub thread: Fetch<Thread>,
    pub dates: Fetch<Dates>,
    pub times: Fetch<Times>,
    /// What just happened ("The visit is cancelled"), announced politely.
    pub notice: RwSignal<Option<String>>,
    /// The error of the last action on this screen.
    pub error: RwSignal<Option<ApiError>>,
    pub busy: RwSignal<bool>,
    /// What remains after the account was deleted.
    pub remains: RwSignal<Vec<String>>,
    /// The visit a new question is about.
    pub about: RwSignal<Option<u64>>,
    /// The salon's look, once known (the frame keeps the default until then).
    pub theme: RwSignal<Option<Theme>>,
    pub close: Option<fn()>,
    /// How the screens after the visits are drawn, and how they talk back (`split.rs`).
    pub link: Link,
}

/// The cabinet as one app (tests), or as the two shipped modules: `cabinet` (sign-in, visits)
/// with a host for `account` (the other screens, loaded when first reached).
#[derive(Clone, Copy)]
pub struct Link {
    /// Draws the screens [`Screen::first`] does not cover: here, or a host for the other module.
    pub more: fn(Ctx) -> AnyView,
    /// In `account`: the first module's messenger (`kind`, `arg`); its navigation, notices,
    /// sign-out and fresh data go through the first module, which owns the frame and the tabs.
    pub tell: Option<StoredValue<js_sys::Function, LocalStorage>>,
}

/// The server no longer knows the session (401 `not_signed_in`, or a 401 without our body);
/// a wrong code or password (`wrong_*`) is the client's typo, not the session's end.
fn ends_session(e: &ApiError) -> bool {
    matches!(e, ApiError::Server { status: 401, detail } if !detail.code.starts_with("wrong_"))
}

/// `localStorage` of the salon's site, where the session is kept (`None` where storage is
/// refused: private modes, sandboxed frames; the session then lives as long as the page).
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

impl Ctx {
    pub fn provide(
        api: CabinetApi,
        opts: Options,
        lang: RwSignal<Lang>,
        close: Option<fn()>,
        link: Link,
    ) -> Ctx {
        let ctx = Ctx {
            lang,
            api: StoredValue::new_local(api),
            opts: StoredValue::new(opts),
            session: RwSignal::new(None),
            pending: RwSignal::new(None),
            screen: RwSignal::new(Screen::Start),
            me: Fetch::new(),
            visits: Fetch::new(),
            balances: Fetch::new(),
            threads: Fetch::new(),
            thread: Fetch::new(),
            dates: Fetch::new(),
            times: Fetch::new(),
            notice: RwSignal::new(None),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
            remains: RwSignal::new(Vec::new()),
            about: RwSignal::new(None),
            theme: RwSignal::new(None),
            close,
            link,
        };
        provide_context(ctx);
        ctx
    }

    /// The cabinet's texts in the current language (tracks it).
    pub fn t(self) -> &'static Texts {
        Texts::of(self.lang.get())
    }

    /// The texts of the language now, untracked: screens are built again when the language
    /// changes (`app.rs`), so their texts are plain strings rather than a closure each.
    pub fn tn(self) -> &'static Texts {
        Texts::of(self.ln())
    }

    /// The language now, untracked (see [`Ctx::tn`]).
    pub fn ln(self) -> Lang {
        self.lang.get_untracked()
    }

    pub fn api(self) -> CabinetApi {
        self.api.get_value()
    }

    /// The session, as the calls send it ("" when there is none).
    pub fn s(self) -> String {
        self.session.get_untracked().unwrap_or_default()
    }

    fn key(self) -> String {
        format!("zapis-cabinet:{}", self.opts.with_value(|o| o.site.clone()))
    }

    /// The session kept for this site by an earlier visit.
    pub fn kept(self) -> Option<String> {
        storage()?
            .get_item(&self.key())
            .ok()?
            .filter(|s| !s.is_empty())
    }

    /// Signed in: keep the session, show the visits.
    pub fn signed_in(self, session: String) {
        if let Some(st) = storage() {
            let _ = st.set_item(&self.key(), &session);
        }
        self.pending.set(None);
        self.session.set(Some(session));
        self.load_me(true);
        self.go(Screen::Visits);
    }

    /// Still mounted (an answer may arrive after the modal closed).
    pub fn alive(self) -> bool {
        self.session.try_get_untracked().is_some()
    }

    /// In `account`: tells the first module (`true`); elsewhere `false`.
    fn tell(self, kind: &str, arg: &str) -> bool {
        self.link.tell.is_some_and(|t| {
            t.with_value(|t| t.call2(&JsValue::NULL, &kind.into(), &arg.into()))
                .is_ok()
        })
    }

    /// Says what just happened (above the screen).
    pub fn say(self, text: String) {
        if !self.tell("notice", &text) {
            self.notice.set(Some(text));
        }
    }

    /// Forgets the session (and everything fetched with it); `why` is said on the sign-in screen.
    pub fn signed_out(self, why: Option<&'static str>, to: Screen) {
        if !self.alive() {
            return;
        }
        if self.tell("out", &to.code()) {
            if let Some(why) = why {
                self.tell("notice", why);
            }
            return;
        }
        if let Some(st) = storage() {
            let _ = st.remove_item(&self.key());
        }
        self.session.set(None);
        self.pending.set(None);
        self.me.invalidate();
        self.visits.invalidate();
        self.balances.invalidate();
        self.threads.invalidate();
        self.thread.invalidate();
        self.go(to);
        self.notice.set(why.map(str::to_owned));
    }

    /// Shows `screen`, clearing the last action's error and notice.
    pub fn go(self, screen: Screen) {
        self.error.set(None);
        self.notice.set(None);
        if !self.tell("go", &screen.code()) {
            self.screen.set(screen);
        }
    }

    /// In `account`: shows the screen the first module asks for.
    pub fn show(self, screen: Screen) {
        self.error.set(None);
        self.screen.set(screen);
    }

    /// `reply`, except that a 401 also signs out.
    pub fn guard<T: 'static>(self, reply: Reply<T>) -> Reply<T> {
        Box::pin(async move {
            let out = reply.await;
            if out.as_ref().err().is_some_and(ends_session) && self.alive() {
                let lang = self.lang.get_untracked();
                self.signed_out(Some(Texts::of(lang).session_over), Screen::SignIn);
            }
            out
        })
    }

    /// Runs one action: busy while it runs, its error on the screen, `done` with the answer.
    pub fn run<T: 'static>(self, reply: Reply<T>, done: impl FnOnce(T) + 'static) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        self.error.set(None);
        let reply = self.guard(reply);
        leptos::task::spawn_local(async move {
            let out = reply.await;
            if self.busy.try_set(false).is_some() {
                return;
            }
            match out {
                Ok(v) => done(v),
                Err(e) if ends_session(&e) => {}
                Err(e) => self.error.set(Some(e)),
            }
        });
    }

    pub fn load_me(self, force: bool) {
        if force {
            // (The first module's unread badge.)
            self.tell("me", "");
        }
        let (api, s, lang) = (self.api(), self.s(), self.lang.get_untracked());
        self.me
            .fetch(s.clone(), force, move || self.guard(api.me(lang, &s)));
    }

    pub fn load_visits(self, force: bool) {
        // A visit moved in `account` is shown by the first module's list, not here.
        if force && self.tell("visits", "") {
            return;
        }
        let (api, s, lang) = (self.api(), self.s(), self.lang.get_untracked());
        self.visits
            .fetch(s.clone(), force, move || self.guard(api.visits(lang, &s)));
    }

    pub fn load_balances(self, force: bool) {
        let (api, s, lang) = (self.api(), self.s(), self.lang.get_untracked());
        self.balances
            .fetch(s.clone(), force, move || self.guard(api.balances(lang, &s)));
    }

    pub fn load_threads(self, force: bool) {
        let (api, s, lang) = (self.api(), self.s(), self.lang.get_untracked());
        self.threads
            .fetch(s.clone(), force, move || self.guard(api.threads(lang, &s)));
    }

    /// Opening a thread reads it (the salon's answers become read): the badge is asked again.
    pub fn load_thread(self, id: u64, force: bool) {
        let (api, s, lang) = (self.api(), self.s(), self.lang.get_untracked());
        self.thread.fetch(id.to_string(), force, move || {
            let reply = api.thread(lang, &s, id);
            self.guard(Box::pin(async move {
                let out = reply.await;
                if out.is_ok() && self.alive() {
                    self.threads.invalidate();
                    self.load_me(true);
                }
                out
            }))
        });
    }
}
