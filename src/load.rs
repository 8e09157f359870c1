//! How every page loads data and sends changes: [`Load`] (a resource-like
//! signal) and [`Submit`] (one request at a time, with its pending and error
//! state, optionally optimistic).
//!
//! Both are plain signals filled by `spawn_local`, not `LocalResource`,
//! `Suspense` or `Action`: each of those carries kilobytes of generic async
//! machinery into every reader's download, and pages need only these states.
//! Both drop answers nobody is waiting for any more: [`Load`] an answer to
//! an older question (the route's parameters changed meanwhile) or to a page
//! the user has left; [`Submit`] the follow-up of a request whose page is gone.

use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::status::{LoadError, Loading};

/// Data a page shows: `None` while loading, then the answer. Created by
/// [`load`]; copyable into closures like any signal.
pub struct Load<T: Send + Sync + 'static> {
    state: RwSignal<Option<Result<T, ApiError>>>,
    /// Counts requests; only the answer to the latest one is kept.
    asked: StoredValue<u32>,
    /// Notified by [`Load::reload`]; the loading effect tracks it.
    again: Trigger,
    /// Whether the next load keeps the value on screen until its answer
    /// (a reload after a change) instead of showing "loading".
    keep: StoredValue<bool>,
}

impl<T: Send + Sync + 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Load<T> {}

/// Loads `fetch(source())` now and again whenever a signal that `source`
/// reads changes (a route parameter, the signed-in user). `source` runs
/// synchronously, so it may read route parameters; `fetch` gets only its
/// owned result and never touches the page's reactive state.
pub fn load<S, T, Fut>(
    source: impl Fn() -> S + 'static,
    fetch: impl Fn(S) -> Fut + 'static,
) -> Load<T>
where
    S: 'static,
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let this = Load {
        state: RwSignal::new(None),
        asked: StoredValue::new(0),
        again: Trigger::new(),
        keep: StoredValue::new(false),
    };
    Effect::new(move |_| {
        this.again.track();
        let question = source();
        let Some(ask) = this.asked.try_update_value(|n| {
            *n = n.wrapping_add(1);
            *n
        }) else {
            return;
        };
        let keep = this.keep.try_update_value(std::mem::take) == Some(true);
        // A failed answer is not kept on screen: retrying shows "loading".
        if !keep || this.state.with_untracked(|s| matches!(s, Some(Err(_)))) {
            this.state.set(None);
        }
        let answer = fetch(question);
        leptos::task::spawn_local(async move {
            let answer = answer.await;
            // Disposed (the page is gone) or asked again since: dropped.
            if this.asked.try_get_value() == Some(ask) {
                this.state.try_set(Some(answer));
            }
        });
    });
    this
}

impl<T: Send + Sync + 'static> Load<T> {
    /// Asks again with the same parameters, keeping what is shown until the
    /// answer arrives (after the user changed something).
    pub fn reload(&self) {
        self.keep.set_value(true);
        self.again.notify();
    }

    /// Tracked read of the state without cloning: `None` while loading.
    pub fn with<R>(&self, f: impl FnOnce(Option<&Result<T, ApiError>>) -> R) -> R {
        self.state.with(|s| f(s.as_ref()))
    }

    /// Subscribes the running effect to this data without reading it.
    pub fn track(&self) {
        self.state.track();
    }

    /// Untracked read of the loaded value, if there is one.
    pub fn with_value_untracked<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        self.state
            .with_untracked(|s| f(s.as_ref().and_then(|r| r.as_ref().ok())))
    }
}

impl<T: Clone + Send + Sync + 'static> Load<T> {
    /// The state, tracked: `None` while loading.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.state.get()
    }

    /// The loaded value (tracked); `None` while loading or after a failure.
    pub fn value(&self) -> Option<T> {
        self.state
            .with(|s| s.as_ref().and_then(|r| r.as_ref().ok().cloned()))
    }

    /// The page's body for each state: the loading line, the error with a
    /// retry button (the 404 page for a missing thing), or `ok(value)`.
    pub fn view<V: IntoView + 'static>(
        self,
        ok: impl Fn(T) -> V + Send + Sync + 'static,
    ) -> impl IntoView {
        let retry = Callback::new(move |()| self.reload());
        move || match self.state.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Ok(value)) => ok(value).into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=retry /> }.into_any(),
        }
    }
}

/// Sends one change at a time: while a request runs, further sends are
/// refused (a double click sends one request); a failure is kept for the
/// page to show until the next send.
#[derive(Clone, Copy)]
pub struct Submit {
    pending: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
}

impl Default for Submit {
    fn default() -> Self {
        Self::new()
    }
}

impl Submit {
    /// A sender with nothing in flight.
    pub fn new() -> Submit {
        Submit {
            pending: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Whether a request is in flight (tracked).
    pub fn pending(&self) -> bool {
        self.pending.get()
    }

    /// The same as a signal, for `disabled=` and `aria-busy=`.
    pub fn pending_signal(&self) -> Signal<bool> {
        self.pending.into()
    }

    /// Why the last request failed, until the next one starts (tracked).
    pub fn error(&self) -> Option<ApiError> {
        self.error.get()
    }

    /// Whether the last request failed (tracked).
    pub fn failed(&self) -> bool {
        self.error.with(Option::is_some)
    }

    /// Sends `request` unless one is in flight (then returns false and
    /// `request` is dropped unsent: futures do nothing until polled). On
    /// success `done` runs with the answer, unless the page is gone.
    pub fn send<T: 'static>(
        &self,
        request: impl Future<Output = Result<T, ApiError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) -> bool {
        if self.pending.get_untracked() {
            return false;
        }
        self.pending.set(true);
        self.error.set(None);
        let this = *self;
        leptos::task::spawn_local(async move {
            let answer = request.await;
            if this.pending.try_set(false).is_some() {
                return; // the page is gone
            }
            match answer {
                Ok(value) => done(value),
                Err(e) => {
                    this.error.try_set(Some(e));
                }
            }
        });
        true
    }

    /// Shows `new` in `value` at once and sends `request`; if it fails,
    /// `value` goes back to what it was and the error is kept.
    pub fn send_optimistic<V, T>(
        &self,
        value: RwSignal<V>,
        new: V,
        request: impl Future<Output = Result<T, ApiError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) -> bool
    where
        V: Send + Sync + 'static,
        T: 'static,
    {
        if self.pending.get_untracked() {
            return false;
        }
        let old = value.try_update(|v| std::mem::replace(v, new));
        self.send(
            async move {
                let answer = request.await;
                if answer.is_err() {
                    if let Some(old) = old {
                        value.try_set(old);
                    }
                }
                answer
            },
            done,
        )
    }
}
