//! Cross-tab mutual exclusion with the Web Locks API
//! (`navigator.locks.request`). Called through `Reflect` because web-sys
//! gates its `LockManager` binding behind `web_sys_unstable_apis`.

use std::{cell::RefCell, future::Future, rc::Rc};

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::{JsFuture, future_to_promise};

/// Runs `work` while holding the origin-wide exclusive lock `name`, so no
/// other tab (or task in this tab) runs work under the same name at the
/// same time. Where the browser has no Web Locks (insecure context, old
/// browser) the work runs unguarded. `None` only if the browser dropped the
/// work after starting it, which the Web Locks API does not do.
pub async fn exclusive<F, T>(name: &str, work: F) -> Option<T>
where
    F: Future<Output = T> + 'static,
    T: 'static,
{
    let pending: Rc<RefCell<Option<F>>> = Rc::new(RefCell::new(Some(work)));
    let output: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));

    if let Some((locks, request)) = lock_manager() {
        let (pending_in_lock, output_in_lock) = (pending.clone(), output.clone());
        let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
            future_to_promise(async move {
                let work = pending_in_lock.borrow_mut().take();
                if let Some(work) = work {
                    let value = work.await;
                    *output_in_lock.borrow_mut() = Some(value);
                }
                Ok(JsValue::UNDEFINED)
            })
        });
        match request.call2(&locks, &JsValue::from_str(name), &callback) {
            Ok(promise) => {
                if let Err(err) = JsFuture::from(Promise::resolve(&promise)).await {
                    log_js("Web Locks request failed", &err);
                }
            }
            Err(err) => log_js("Web Locks request could not start", &err),
        }
    }

    let done = output.borrow_mut().take();
    if done.is_some() {
        return done;
    }
    // No lock manager, or the lock request failed before running the work.
    let work = pending.borrow_mut().take();
    match work {
        Some(work) => Some(work.await),
        None => None,
    }
}

fn lock_manager() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request =
        Reflect::get(&locks, &JsValue::from_str("request")).ok()?.dyn_into::<Function>().ok()?;
    Some((locks, request))
}

fn log_js(context: &str, err: &JsValue) {
    web_sys::console::warn_2(&JsValue::from_str(context), err);
}
