//! What the browser tests share: a fake booking API with canned data and programmable errors,
//! and small helpers to drive the widget's DOM inside its shadow root.
#![allow(dead_code)]

use std::{cell::RefCell, collections::VecDeque, rc::Rc};

use protocol::{
    ErrorDetail,
    booking::{BookingRequest, BookingResult, CodeRequest},
    catalog::{
        Branch, Category, Dates, Service, Services, SiteInfo, Slot, Staff, StaffList, Times,
    },
    site::Theme,
};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{Element, HtmlElement, ShadowRoot};
use widget::{
    api::{Api, ApiError, Backend, Reply},
    embed,
    i18n::Lang,
    options::Options,
};

pub const DAY: &str = "2031-03-12";

pub fn branch(id: u64, title: &str) -> Branch {
    Branch {
        id,
        title: title.into(),
        address: format!("ул. Пушкина, {id}"),
        timezone: "Europe/Moscow".into(),
        phone_confirmation: false,
        email_required: false,
        comment_required: false,
        nearest: Some(format!("{DAY}T10:00:00+03:00")),
        phone: None,
    }
}

fn service(id: u64, category_id: u64, title: &str, min: f64, max: f64, minutes: u32) -> Service {
    Service {
        id,
        category_id,
        title: title.into(),
        price_min: min,
        price_max: max,
        duration: minutes * 60,
        comment: String::new(),
    }
}

fn person(id: u64, name: &str, position: &str, rating: f32, bookable: bool) -> Staff {
    Staff {
        id,
        name: name.into(),
        position: position.into(),
        avatar: None,
        rating,
        bookable,
        nearest: bookable.then(|| format!("{DAY}T1{id}:00:00+03:00")),
    }
}

pub fn slot(date: &str, time: &str) -> Slot {
    Slot {
        time: time.into(),
        datetime: format!("{date}T{time}:00+03:00"),
        length: 3600,
    }
}

/// One call the widget made: its name and arguments, as text.
pub type Call = String;

/// The booking API with a small salon in it. Errors queued with [`Fake::fail`] answer the next
/// calls of that name, in order.
pub struct Fake {
    pub site: RefCell<SiteInfo>,
    pub services: RefCell<Services>,
    pub staff: RefCell<StaffList>,
    pub dates: RefCell<Vec<String>>,
    pub times: RefCell<Vec<&'static str>>,
    pub calls: RefCell<Vec<Call>>,
    /// (Idempotency-Key, request) of every booking attempt.
    pub bookings: RefCell<Vec<(String, BookingRequest)>>,
    pub codes: RefCell<Vec<CodeRequest>>,
    failures: RefCell<Vec<(&'static str, VecDeque<ApiError>)>>,
}

impl Fake {
    pub fn new() -> Rc<Fake> {
        Rc::new(Fake {
            site: RefCell::new(SiteInfo {
                site: "demo".into(),
                lang: "ru".into(),
                theme: Theme::default(),
                branches: vec![branch(1, "Лён на Пушкина")],
                privacy_url: Some("https://salon.example/privacy".into()),
            }),
            services: RefCell::new(Services {
                categories: vec![
                    Category {
                        id: 1,
                        title: "Стрижки".into(),
                    },
                    Category {
                        id: 2,
                        title: "Окрашивание".into(),
                    },
                ],
                services: vec![
                    service(10, 1, "Женская стрижка", 1500.0, 2500.0, 60),
                    service(11, 1, "Мужская стрижка", 1200.0, 1200.0, 45),
                    service(20, 2, "Окрашивание корней", 3000.0, 4500.0, 90),
                ],
            }),
            staff: RefCell::new(StaffList {
                staff: vec![
                    person(5, "Анна", "Топ-стилист", 4.9, true),
                    person(6, "Ольга", "Стилист", 4.5, true),
                    person(7, "Ирина", "Колорист", 0.0, false),
                ],
            }),
            dates: RefCell::new(vec![
                DAY.into(),
                "2031-03-13".into(),
                "2031-03-20".into(),
                "2031-04-02".into(),
            ]),
            times: RefCell::new(vec!["10:00", "11:30", "13:00", "15:30", "18:00", "19:30"]),
            calls: RefCell::new(Vec::new()),
            bookings: RefCell::new(Vec::new()),
            codes: RefCell::new(Vec::new()),
            failures: RefCell::new(Vec::new()),
        })
    }

    /// The next call named `call` fails with `err` (queued after earlier ones).
    pub fn fail(&self, call: &'static str, err: ApiError) {
        let mut f = self.failures.borrow_mut();
        match f.iter_mut().find(|(c, _)| *c == call) {
            Some((_, q)) => q.push_back(err),
            None => f.push((call, VecDeque::from([err]))),
        }
    }

    pub fn api(self: &Rc<Self>) -> Api {
        self.clone()
    }

    pub fn calls_named(&self, prefix: &str) -> Vec<Call> {
        self.calls
            .borrow()
            .iter()
            .filter(|c| c.starts_with(prefix))
            .cloned()
            .collect()
    }

    fn answer<T: 'static>(&self, call: String, ok: impl FnOnce() -> T) -> Reply<T> {
        let name = call.split(' ').next().unwrap_or_default().to_owned();
        self.calls.borrow_mut().push(call);
        let err = self
            .failures
            .borrow_mut()
            .iter_mut()
            .find(|(c, _)| *c == name)
            .and_then(|(_, q)| q.pop_front());
        let result = match err {
            Some(e) => Err(e),
            None => Ok(ok()),
        };
        Box::pin(std::future::ready(result))
    }
}

fn ids(list: &[u64]) -> String {
    list.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Backend for Fake {
    fn config(&self, lang: Lang) -> Reply<SiteInfo> {
        let site = self.site.borrow().clone();
        self.answer(format!("config {}", lang.code()), || site)
    }

    fn services(&self, _: Lang, branch: u64) -> Reply<Services> {
        let list = self.services.borrow().clone();
        self.answer(format!("services {branch}"), || list)
    }

    fn staff(&self, _: Lang, branch: u64, services: &[u64]) -> Reply<StaffList> {
        let list = self.staff.borrow().clone();
        self.answer(format!("staff {branch} {}", ids(services)), || list)
    }

    fn dates(&self, _: Lang, branch: u64, services: &[u64], staff: u64) -> Reply<Dates> {
        let dates = self.dates.borrow().clone();
        self.answer(format!("dates {branch} {} {staff}", ids(services)), || {
            Dates {
                dates,
                timezone: "Europe/Moscow".into(),
            }
        })
    }

    fn times(
        &self,
        _: Lang,
        branch: u64,
        services: &[u64],
        staff: u64,
        date: &str,
    ) -> Reply<Times> {
        let slots = self.times.borrow().iter().map(|t| slot(date, t)).collect();
        let date = date.to_owned();
        self.answer(
            format!("times {branch} {} {staff} {date}", ids(services)),
            || Times {
                date,
                timezone: "Europe/Moscow".into(),
                slots,
            },
        )
    }

    fn send_code(&self, _: Lang, branch: u64, req: &CodeRequest) -> Reply<()> {
        self.codes.borrow_mut().push(req.clone());
        self.answer(format!("code {branch} {}", req.phone), || ())
    }

    fn book(&self, _: Lang, key: &str, req: &BookingRequest) -> Reply<BookingResult> {
        self.bookings
            .borrow_mut()
            .push((key.to_owned(), req.clone()));
        let staff = self
            .staff
            .borrow()
            .staff
            .iter()
            .find(|s| s.id == req.staff)
            .map(|s| s.name.clone());
        let services = self.services.borrow();
        let chosen: Vec<&Service> = services
            .services
            .iter()
            .filter(|s| req.services.contains(&s.id))
            .collect();
        let result = BookingResult {
            id: format!("bk{}", self.bookings.borrow().len()),
            branch: "Лён на Пушкина".into(),
            address: "ул. Пушкина, 1".into(),
            datetime: req.datetime.clone(),
            timezone: "Europe/Moscow".into(),
            length: chosen.iter().map(|s| s.duration / 60).sum(),
            services: chosen.iter().map(|s| s.title.clone()).collect(),
            staff: staff.unwrap_or_else(|| "Анна".into()),
            price_min: chosen.iter().map(|s| s.price_min).sum(),
            price_max: chosen.iter().map(|s| s.price_max).sum(),
            cancel_url: "https://zapis.example/b/bk1?hash=x".into(),
        };
        self.answer(format!("book {key}"), || result)
    }
}

/// A server error as the API sends it.
pub fn server_error(status: u16, code: &str, message: &str, field: Option<&str>) -> ApiError {
    ApiError::Server {
        status,
        detail: ErrorDetail {
            code: code.into(),
            message: message.into(),
            field: field.map(Into::into),
            times: None,
        },
    }
}

pub fn opts(extra: &str) -> Options {
    let mut o = Options::parse(&format!(
        r#"{{"site":"demo","api":"http://127.0.0.1:9/","lang":"ru"{extra}}}"#
    ))
    .unwrap();
    o.resend_after = Some(1);
    o
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// The widget's shadow root: the modal's, or the one inside `container`.
#[derive(Clone)]
pub struct W(pub ShadowRoot);

pub fn modal() -> Option<W> {
    let host = document().query_selector(embed::HOST_TAG).ok()??;
    host.shadow_root().map(W)
}

pub fn inline(container: &Element) -> W {
    W(container
        .query_selector(embed::HOST_TAG)
        .unwrap()
        .expect("a mounted widget")
        .shadow_root()
        .unwrap())
}

/// Opens a fresh modal on `fake`, and waits for its first step.
pub async fn open(fake: &Rc<Fake>, o: Options) -> W {
    embed::close();
    embed::open_with(o, fake.api()).unwrap();
    let w = modal().expect("modal");
    w.wait(|w| w.step() != "start", "the first step").await;
    w
}

impl W {
    pub fn find(&self, sel: &str) -> Option<Element> {
        self.0.query_selector(sel).unwrap()
    }

    pub fn q(&self, sel: &str) -> Element {
        self.find(sel)
            .unwrap_or_else(|| panic!("no `{sel}` in step `{}`", self.step()))
    }

    pub fn all(&self, sel: &str) -> Vec<Element> {
        let list = self.0.query_selector_all(sel).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }

    pub fn text(&self, sel: &str) -> String {
        self.q(sel).text_content().unwrap_or_default()
    }

    pub fn attr(&self, sel: &str, name: &str) -> Option<String> {
        self.q(sel).get_attribute(name)
    }

    /// `data-step` of the step shown.
    pub fn step(&self) -> String {
        self.find("[data-step]")
            .and_then(|e| e.get_attribute("data-step"))
            .unwrap_or_default()
    }

    pub fn click(&self, sel: &str) {
        self.q(sel).unchecked_into::<HtmlElement>().click();
    }

    /// Types `value` into a field as a user would: focus, value, `input` event, blur.
    pub fn type_in(&self, sel: &str, value: &str) {
        let el: web_sys::HtmlInputElement = self.q(sel).unchecked_into();
        el.focus().unwrap();
        el.set_value(value);
        let init = web_sys::InputEventInit::new();
        init.set_bubbles(true);
        init.set_input_type("insertText");
        el.dispatch_event(&web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap())
            .unwrap();
    }

    pub fn blur(&self, sel: &str) {
        self.q(sel).unchecked_into::<HtmlElement>().blur().unwrap();
    }

    pub fn value(&self, sel: &str) -> String {
        self.q(sel)
            .unchecked_into::<web_sys::HtmlInputElement>()
            .value()
    }

    pub fn checked(&self, sel: &str) -> bool {
        self.q(sel)
            .unchecked_into::<web_sys::HtmlInputElement>()
            .checked()
    }

    pub fn key(&self, sel: &str, key: &str, shift: bool) {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_shift_key(shift);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        self.q(sel).dispatch_event(&ev).unwrap();
    }

    /// What has focus inside the widget.
    pub fn focused(&self) -> Option<Element> {
        self.0.active_element()
    }

    /// Waits (up to ~2 s) until `cond` holds.
    pub async fn wait(&self, cond: impl Fn(&W) -> bool, what: &str) {
        for _ in 0..200 {
            if cond(self) {
                return;
            }
            sleep(10).await;
        }
        panic!("timed out waiting for {what} (step `{}`)", self.step());
    }

    pub async fn wait_step(&self, step: &str) {
        self.wait(|w| w.step() == step, &format!("step `{step}`"))
            .await;
    }

    /// Services → master → date → time, choosing the first of each; ends on the contact form.
    pub async fn choose_up_to_contact(&self, service: u64, staff: u64) {
        self.wait(
            |w| {
                w.find(&format!("[data-testid=service-{service}]"))
                    .is_some()
            },
            "the services",
        )
        .await;
        self.click(&format!("[data-testid=service-{service}]"));
        tick().await;
        self.click("[data-testid=next]");
        self.wait(
            |w| w.find(&format!("[data-testid=staff-{staff}]")).is_some(),
            "the masters",
        )
        .await;
        self.click(&format!("[data-testid=staff-{staff}]"));
        self.wait(
            |w| w.find(&format!("[data-date='{DAY}']")).is_some(),
            "the calendar",
        )
        .await;
        self.click(&format!("[data-date='{DAY}']"));
        self.wait(|w| w.find("[data-time='10:00']").is_some(), "the times")
            .await;
        self.click("[data-time='10:00']");
        self.wait_step("contact").await;
    }

    /// Fills the contact form validly.
    pub async fn fill_contact(&self) {
        self.type_in("#zw-name", "Мария");
        self.type_in("#zw-phone", "89161234567");
        self.click("#zw-consent");
        tick().await;
    }
}

/// Collects the `detail` of every `zapis:<name>` event on `window`, as JSON text.
pub struct Events {
    pub seen: Rc<RefCell<Vec<String>>>,
    name: String,
    listener: Closure<dyn FnMut(web_sys::CustomEvent)>,
}

impl Events {
    pub fn listen(name: &str) -> Events {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = seen.clone();
        let listener =
            Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
                let json = js_sys::JSON::stringify(&e.detail())
                    .map(String::from)
                    .unwrap_or_default();
                sink.borrow_mut().push(json);
            });
        let name = format!("zapis:{name}");
        web_sys::window()
            .unwrap()
            .add_event_listener_with_callback(&name, listener.as_ref().unchecked_ref())
            .unwrap();
        Events {
            seen,
            name,
            listener,
        }
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = web_sys::window()
            .unwrap()
            .remove_event_listener_with_callback(
                &self.name,
                self.listener.as_ref().unchecked_ref(),
            );
    }
}
