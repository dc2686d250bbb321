//! `use_fetch`: loads data for a page when it mounts or its inputs change,
//! and again on request. Answers that arrive after a newer request started
//! are dropped, so a slow early page never overwrites a later one.

use std::{cell::Cell, future::Future, rc::Rc};

use yew::{platform::spawn_local, prelude::*};

use crate::api::ApiError;

/// Where a load stands. A reload keeps the previous data until the new
/// answer arrives (`busy` tells it is under way).
#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiError),
}

/// What [`use_fetch`] gives a page.
pub struct Fetch<T> {
    pub load: UseStateHandle<Load<T>>,
    pub busy: bool,
    /// Loads again with the same inputs.
    pub reload: Callback<()>,
}

#[hook]
pub fn use_fetch<T, D, F, Fut>(deps: D, fetch: F) -> Fetch<T>
where
    T: 'static,
    D: PartialEq + Clone + 'static,
    F: Fn(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let load = use_state(|| Load::Loading);
    let busy = use_state(|| true);
    let generation = use_state(|| 0u32);
    let latest = use_mut_ref(|| Rc::new(Cell::new(0u64)));
    {
        let (load, busy, latest) = (load.clone(), busy.clone(), latest.borrow().clone());
        use_effect_with((deps, *generation), move |(deps, _)| {
            let ticket = latest.get() + 1;
            latest.set(ticket);
            busy.set(true);
            let pending = fetch(deps.clone());
            spawn_local(async move {
                let outcome = pending.await;
                if latest.get() != ticket {
                    return;
                }
                load.set(match outcome {
                    Ok(value) => Load::Ready(value),
                    Err(err) => Load::Failed(err),
                });
                busy.set(false);
            });
        });
    }
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(generation.wrapping_add(1)))
    };
    Fetch { load, busy: *busy, reload }
}
