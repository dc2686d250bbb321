//! Form state the pages share: a text field bound to a state handle, and
//! the words to show under a field, from the server or from a check the
//! browser made first.

use yew::prelude::*;

use crate::api::ApiError;

/// Keeps `state` in step with what the person types.
pub fn bind(state: &UseStateHandle<String>) -> Callback<String> {
    let state = state.clone();
    Callback::from(move |value: String| state.set(value))
}

/// The server's words for `field`, when it refused the request because of it.
pub fn server_error(error: &Option<ApiError>, field: &str) -> Option<AttrValue> {
    error.as_ref().and_then(|err| err.field_error(field)).map(AttrValue::from)
}

/// The browser's own words for `which` (see `new_password::problem`).
pub fn local_error(local: Option<(&'static str, &'static str)>, which: &str) -> Option<AttrValue> {
    local.and_then(|(field, text)| (field == which).then_some(AttrValue::from(text)))
}

/// A form's request: whether one is under way, and the server's refusal of
/// the last one. Every form that sends something goes through
/// [`Submission::send`], so none can send twice or keep an old refusal up.
#[derive(Clone, PartialEq)]
pub struct Submission {
    busy: UseStateHandle<bool>,
    error: UseStateHandle<Option<ApiError>>,
}

#[hook]
pub fn use_submission() -> Submission {
    Submission { busy: use_state(|| false), error: use_state(|| None) }
}

impl Submission {
    pub fn busy(&self) -> bool {
        *self.busy
    }

    /// The server's refusal of the last request, until the next one.
    pub fn error(&self) -> &Option<ApiError> {
        &self.error
    }

    /// Takes the refusal down (the person went back, or changed course).
    pub fn clear(&self) {
        self.error.set(None);
    }

    /// Sends `request` unless one is under way: the form is busy until it
    /// is answered; a success goes to `done`, a refusal stays to be shown.
    /// `request` is only polled here, so a skipped one never reaches the
    /// server.
    pub fn send<T, F, D>(&self, request: F, done: D)
    where
        T: 'static,
        F: Future<Output = Result<T, ApiError>> + 'static,
        D: FnOnce(T) + 'static,
    {
        self.dispatch(request, done, false);
    }

    /// [`send`](Self::send) for a request whose success takes the person
    /// off this form (signed in, sent elsewhere): it stays busy then, so
    /// nothing is sent again while the page changes.
    pub fn send_and_leave<T, F, D>(&self, request: F, done: D)
    where
        T: 'static,
        F: Future<Output = Result<T, ApiError>> + 'static,
        D: FnOnce(T) + 'static,
    {
        self.dispatch(request, done, true);
    }

    fn dispatch<T, F, D>(&self, request: F, done: D, leaves: bool)
    where
        T: 'static,
        F: Future<Output = Result<T, ApiError>> + 'static,
        D: FnOnce(T) + 'static,
    {
        if *self.busy {
            return;
        }
        self.busy.set(true);
        self.error.set(None);
        let (busy, error) = (self.busy.clone(), self.error.clone());
        yew::platform::spawn_local(async move {
            match request.await {
                Ok(answer) => {
                    done(answer);
                    if leaves {
                        return;
                    }
                }
                Err(refusal) => error.set(Some(refusal)),
            }
            busy.set(false);
        });
    }
}
