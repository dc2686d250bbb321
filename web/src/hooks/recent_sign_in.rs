//! `use_sign_in_change`: runs a change to how the account signs in (link or
//! remove Google, set a first password). The backend accepts those only
//! within minutes of a sign-in; when it refuses for that reason, the change
//! is handed to `ask` with a way to run it again, so the page can ask the
//! person to confirm who they are and then retry without them starting over.

use std::{future::Future, rc::Rc};

use yew::{platform::spawn_local, prelude::*};

use crate::api::{ApiError, SignInChange};

/// A change refused for want of a recent sign-in.
#[derive(Clone, Debug, PartialEq)]
pub struct NeedsConfirmation {
    pub change: SignInChange,
    /// Runs the change again, with the same input.
    pub retry: Callback<()>,
}

/// What [`use_sign_in_change`] gives a component.
pub struct SignInChangeRun {
    /// Starts the change.
    pub run: Callback<()>,
    pub busy: bool,
    /// Why the last attempt failed (other than for a recent sign-in).
    pub error: Option<ApiError>,
}

/// `work` does the change and whatever success means to the page (a
/// notice, new data); its error is shown, or handed to `ask` when it is
/// [`ApiError::RecentSignInRequired`].
#[hook]
pub fn use_sign_in_change<F, Fut>(
    change: SignInChange,
    ask: Callback<NeedsConfirmation>,
    work: F,
) -> SignInChangeRun
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let attempt =
        Attempt { change, ask, busy: busy.clone(), error: error.clone(), work: Rc::new(work) };
    SignInChangeRun { run: attempt.callback(), busy: *busy, error: (*error).clone() }
}

struct Attempt<F> {
    change: SignInChange,
    ask: Callback<NeedsConfirmation>,
    busy: UseStateHandle<bool>,
    error: UseStateHandle<Option<ApiError>>,
    work: Rc<F>,
}

impl<F> Clone for Attempt<F> {
    fn clone(&self) -> Self {
        Self {
            change: self.change,
            ask: self.ask.clone(),
            busy: self.busy.clone(),
            error: self.error.clone(),
            work: self.work.clone(),
        }
    }
}

impl<F, Fut> Attempt<F>
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    fn callback(self) -> Callback<()> {
        Callback::from(move |()| {
            let attempt = self.clone();
            attempt.busy.set(true);
            attempt.error.set(None);
            spawn_local(async move {
                let outcome = (attempt.work)().await;
                attempt.busy.set(false);
                match outcome {
                    Ok(()) => {}
                    Err(ApiError::RecentSignInRequired) => {
                        let (change, ask) = (attempt.change, attempt.ask.clone());
                        ask.emit(NeedsConfirmation { change, retry: attempt.callback() });
                    }
                    Err(err) => attempt.error.set(Some(err)),
                }
            });
        })
    }
}
