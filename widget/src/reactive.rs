//! A small reactive core in the shape of Leptos' (`RwSignal`, `StoredValue`, effects, owners,
//! `on_cleanup`, `untrack`), sized for a widget with a wasm budget: `reactive_graph` alone was
//! about 45 KB of the widget's code; this is a few.
//!
//! - Signals and effects are nodes in one thread-local arena; handles are `Copy` ids with a
//!   generation, so a handle to a disposed node reads as gone instead of aliasing a new one.
//! - Every node belongs to the owner current when it was made (an effect while it runs, or an
//!   [`Owner`]). Disposing an owner disposes what it owns and runs its cleanups; an effect does
//!   the same to what its previous run made before it runs again.
//! - Writes mark dependent effects dirty; they re-run together on the next microtask, oldest
//!   first (so a region re-renders before, and instead of, the bindings inside it).

use std::{any::Any, cell::Cell, cell::RefCell, marker::PhantomData, rc::Rc};

use wasm_bindgen::UnwrapThrowExt;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Id {
    idx: u32,
    generation: u32,
}

#[derive(Default)]
struct Node {
    generation: u32,
    alive: bool,
    /// A signal's value: `Rc<RefCell<T>>`.
    value: Option<Rc<dyn Any>>,
    /// Effects that read this signal.
    subs: Vec<Id>,
    /// An effect's body.
    run: Option<Rc<dyn Fn()>>,
    /// Signals this effect read on its last run.
    sources: Vec<Id>,
    /// Nodes made while this owner was current.
    children: Vec<Id>,
    cleanups: Vec<Box<dyn FnOnce()>>,
    dirty: bool,
    /// Creation order: older effects re-run first.
    order: u64,
}

#[derive(Default)]
struct Runtime {
    nodes: RefCell<Vec<Node>>,
    free: RefCell<Vec<u32>>,
    owner: Cell<Option<Id>>,
    observer: Cell<Option<Id>>,
    queue: RefCell<Vec<Id>>,
    scheduled: Cell<bool>,
    made: Cell<u64>,
}

thread_local! {
    static RT: Runtime = Runtime::default();
}

fn live(nodes: &mut [Node], id: Id) -> Option<&mut Node> {
    nodes
        .get_mut(id.idx as usize)
        .filter(|n| n.alive && n.generation == id.generation)
}

impl Runtime {
    fn create(&self, value: Option<Rc<dyn Any>>, run: Option<Rc<dyn Fn()>>) -> Id {
        self.made.set(self.made.get() + 1);
        let mut nodes = self.nodes.borrow_mut();
        let idx = self.free.borrow_mut().pop().unwrap_or_else(|| {
            nodes.push(Node::default());
            (nodes.len() - 1) as u32
        });
        let node = &mut nodes[idx as usize];
        let generation = node.generation.wrapping_add(1);
        *node = Node {
            generation,
            alive: true,
            value,
            run,
            order: self.made.get(),
            ..Node::default()
        };
        let id = Id { idx, generation };
        if let Some(owner) = self.owner.get().and_then(|o| live(&mut nodes, o)) {
            owner.children.push(id);
        }
        id
    }

    fn value(&self, id: Id) -> Option<Rc<dyn Any>> {
        live(&mut self.nodes.borrow_mut(), id).and_then(|n| n.value.clone())
    }

    /// Disposes what `id` owns, runs its cleanups and forgets what it read; with `kill`, the
    /// node itself goes too.
    fn reset(&self, id: Id, kill: bool) {
        let (children, cleanups, _sources, value, run) = {
            let mut nodes = self.nodes.borrow_mut();
            let Some(n) = live(&mut nodes, id) else {
                return;
            };
            let taken = (
                std::mem::take(&mut n.children),
                std::mem::take(&mut n.cleanups),
                std::mem::take(&mut n.sources),
                if kill { n.value.take() } else { None },
                if kill { n.run.take() } else { None },
            );
            if kill {
                n.alive = false;
                n.subs.clear();
            }
            for s in &taken.2 {
                if let Some(src) = live(&mut nodes, *s) {
                    src.subs.retain(|e| *e != id);
                }
            }
            taken
        };
        if kill {
            self.free.borrow_mut().push(id.idx);
        }
        // Own cleanups first: a region takes its DOM out while the listeners in it still live
        // (removing a focused input fires `blur`).
        for f in cleanups {
            f();
        }
        for child in children.into_iter().rev() {
            self.reset(child, true);
        }
        drop((value, run));
    }

    fn run_effect(&self, id: Id) {
        let Some(run) = live(&mut self.nodes.borrow_mut(), id).and_then(|n| {
            n.dirty = false;
            n.run.clone()
        }) else {
            return;
        };
        self.reset(id, false);
        let owner = self.owner.replace(Some(id));
        let observer = self.observer.replace(Some(id));
        run();
        self.owner.set(owner);
        self.observer.set(observer);
    }

    fn track(&self, source: Id) {
        let Some(obs) = self.observer.get() else {
            return;
        };
        let mut nodes = self.nodes.borrow_mut();
        let Some(s) = live(&mut nodes, source) else {
            return;
        };
        if s.subs.contains(&obs) {
            return;
        }
        s.subs.push(obs);
        if let Some(o) = live(&mut nodes, obs) {
            o.sources.push(source);
        }
    }

    fn notify(&self, source: Id) {
        {
            let mut nodes = self.nodes.borrow_mut();
            let Some(s) = live(&mut nodes, source) else {
                return;
            };
            let subs = s.subs.clone();
            let mut queue = self.queue.borrow_mut();
            for e in subs {
                if let Some(n) = live(&mut nodes, e).filter(|n| !n.dirty) {
                    n.dirty = true;
                    queue.push(e);
                }
            }
        }
        if !self.scheduled.replace(true) {
            wasm_bindgen_futures::spawn_local(async { RT.with(Runtime::flush) });
        }
    }

    fn flush(&self) {
        loop {
            let next = {
                let mut nodes = self.nodes.borrow_mut();
                let mut queue = self.queue.borrow_mut();
                queue.retain(|id| live(&mut nodes, *id).is_some_and(|n| n.dirty));
                let oldest = (0..queue.len())
                    .min_by_key(|i| live(&mut nodes, queue[*i]).map_or(0, |n| n.order));
                oldest.map(|i| queue.swap_remove(i))
            };
            match next {
                Some(id) => self.run_effect(id),
                None => break,
            }
        }
        self.scheduled.set(false);
    }
}

/// A readable, writable value; reads inside an effect subscribe it.
pub struct RwSignal<T> {
    id: Id,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for RwSignal<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for RwSignal<T> {}

impl<T: 'static> RwSignal<T> {
    pub fn new(value: T) -> Self {
        let id = RT.with(|rt| rt.create(Some(Rc::new(RefCell::new(value))), None));
        RwSignal {
            id,
            ty: PhantomData,
        }
    }

    fn cell(&self) -> Option<Rc<RefCell<T>>> {
        RT.with(|rt| rt.value(self.id))
            .and_then(|v| v.downcast::<RefCell<T>>().ok())
    }

    /// Subscribes the running effect without reading.
    pub fn track(&self) {
        RT.with(|rt| rt.track(self.id));
    }

    pub fn try_with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.cell().map(|c| f(&c.borrow()))
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.try_with_untracked(f)
            .expect_throw("zapis: read of a disposed signal")
    }

    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.track();
        self.with_untracked(f)
    }

    /// Changes the value and wakes what read it; a no-op once disposed.
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        if let Some(c) = self.cell() {
            f(&mut c.borrow_mut());
            RT.with(|rt| rt.notify(self.id));
        }
    }

    pub fn set(&self, value: T) {
        self.update(|v| *v = value);
    }
}

impl<T: Clone + 'static> RwSignal<T> {
    pub fn get(&self) -> T {
        self.with(T::clone)
    }

    pub fn get_untracked(&self) -> T {
        self.with_untracked(T::clone)
    }

    /// `None` once the owner that made it is gone.
    pub fn try_get_untracked(&self) -> Option<T> {
        self.try_with_untracked(T::clone)
    }
}

/// A value kept as long as its owner, read without subscribing.
pub struct StoredValue<T>(RwSignal<T>);

impl<T> Clone for StoredValue<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for StoredValue<T> {}

impl<T: 'static> StoredValue<T> {
    pub fn new(value: T) -> Self {
        StoredValue(RwSignal::new(value))
    }

    pub fn with_value<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with_untracked(f)
    }
}

impl<T: Clone + 'static> StoredValue<T> {
    pub fn get_value(&self) -> T {
        self.0.get_untracked()
    }
}

/// Runs `f` now and again (on a later microtask) whenever a signal it read changes, for as long
/// as the current owner lives. What `f` makes belongs to that run.
pub fn effect(f: impl Fn() + 'static) {
    RT.with(|rt| {
        let id = rt.create(None, Some(Rc::new(f)));
        rt.run_effect(id);
    });
}

/// Runs `f` when the current owner is disposed or its effect re-runs.
pub fn on_cleanup(f: impl FnOnce() + 'static) {
    RT.with(|rt| {
        let Some(owner) = rt.owner.get() else { return };
        if let Some(node) = live(&mut rt.nodes.borrow_mut(), owner) {
            node.cleanups.push(Box::new(f));
        }
    });
}

/// Runs `f` without subscribing the running effect to what it reads.
pub fn untrack<R>(f: impl FnOnce() -> R) -> R {
    let prev = RT.with(|rt| rt.observer.replace(None));
    let r = f();
    RT.with(|rt| rt.observer.set(prev));
    r
}

/// Owns everything made inside [`Owner::with`] until [`Owner::dispose`].
pub struct Owner(Id);

impl Owner {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Owner {
        Owner(RT.with(|rt| rt.create(None, None)))
    }

    pub fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        let (owner, observer) =
            RT.with(|rt| (rt.owner.replace(Some(self.0)), rt.observer.replace(None)));
        let r = f();
        RT.with(|rt| {
            rt.owner.set(owner);
            rt.observer.set(observer);
        });
        r
    }

    pub fn dispose(&self) {
        RT.with(|rt| rt.reset(self.0, true));
    }
}
