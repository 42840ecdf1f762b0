//! The processor's handle, shared through the app state.

use std::sync::Arc;

use tokio::sync::{Mutex, Notify};

/// Wakes the processor when a delivery is stored; one drain at a time.
#[derive(Clone, Default)]
pub struct Hooks {
    pub(super) wake: Arc<Notify>,
    pub(super) draining: Arc<Mutex<()>>,
}

impl Hooks {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
