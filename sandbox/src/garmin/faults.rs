//! Fault injection per route: what Cloudflare and Garmin do to a client on a
//! bad day (GARMIN.md §0.1, §6, §10), and the request counters.
//!
//! Every route is wrapped in [`guard`], which counts the request, waits the
//! injected latency, answers for Cloudflare or a failing origin when told to
//! (without running the handler: nothing is committed), and cuts the
//! connection after the handler ran for [`Fault::DropAfterCommit`].

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::connection::ConnectionHandle;
use super::state::{Sandbox, random_hex};

/// A route of the stand-in, for faults and counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `GET /mobile/sso/{locale}/sign-in` and `/portal/sso/{locale}/sign-in`.
    SignInPage,
    /// `POST /mobile/api/login`.
    MobileLogin,
    /// `POST /portal/api/login`.
    PortalLogin,
    /// `POST /mobile/api/mfa/verifyCode`.
    MobileMfa,
    /// `POST /portal/api/mfa/verifyCode`.
    PortalMfa,
    /// `GET /portal/sso/embed`.
    PortalEmbed,
    /// `GET /sso/signin`: the sign-in widget page.
    WidgetPage,
    /// `POST /sso/signin`: the widget's credentials form.
    WidgetSignIn,
    /// `POST /sso/verifyMFA/loginEnterMfaCode`: the widget's MFA form.
    WidgetMfa,
    /// `GET /sso/embed`.
    Embed,
    /// `POST /di-oauth2-service/oauth/token`.
    Token,
    /// `GET /userprofile-service/socialProfile`.
    SocialProfile,
    /// `GET /userprofile-service/userprofile/user-settings`.
    UserSettings,
    /// `GET /workout-service/workouts`.
    ListWorkouts,
    /// `GET /workout-service/workout/{id}`.
    GetWorkout,
    /// `POST /workout-service/workout`.
    CreateWorkout,
    /// `PUT /workout-service/workout/{id}`.
    UpdateWorkout,
    /// `DELETE /workout-service/workout/{id}` (or POST with `X-Http-Method-Override: DELETE`).
    DeleteWorkout,
    /// `POST /workout-service/schedule/{workoutId}`.
    Schedule,
    /// `GET /workout-service/schedule/{id}`.
    GetSchedule,
    /// `DELETE /workout-service/schedule/{id}`.
    Unschedule,
    /// `GET /workout-service/workouts/{workoutId}/scheduled`.
    WorkoutSchedules,
    /// `GET /calendar-service/year/{year}/month/{month0}`.
    Calendar,
    /// `GET /workout-service/workout/types`.
    WorkoutTypes,
}

impl Route {
    /// The Garmin host this route belongs to, as Cloudflare's pages name it.
    fn host(self) -> &'static str {
        match self {
            Route::Token => "diauth.garmin.com",
            Route::SocialProfile
            | Route::UserSettings
            | Route::ListWorkouts
            | Route::GetWorkout
            | Route::CreateWorkout
            | Route::UpdateWorkout
            | Route::DeleteWorkout
            | Route::Schedule
            | Route::GetSchedule
            | Route::Unschedule
            | Route::WorkoutSchedules
            | Route::Calendar
            | Route::WorkoutTypes => "connectapi.garmin.com",
            _ => "sso.garmin.com",
        }
    }
}

/// Something going wrong on one route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with Cloudflare's "Access denied" HTML (error 1015), optionally
    /// with `Retry-After` in whole seconds.
    RateLimited { retry_after: Option<Duration> },
    /// 403 Cloudflare bot challenge (`cf-mitigated: challenge`).
    Challenge,
    /// The origin fails with this 5xx status (anything else means 500).
    ServerError(u16),
    /// The answer comes this much later.
    Latency(Duration),
    /// The request takes effect, then the connection closes without an answer.
    DropAfterCommit,
}

/// An injected fault and how many more requests it applies to.
#[derive(Debug, Clone)]
struct Rule {
    route: Route,
    fault: Fault,
    /// `None`: every request until cleared.
    remaining: Option<usize>,
}

/// The injected faults.
#[derive(Debug, Default)]
pub(crate) struct FaultBook {
    rules: Vec<Rule>,
    /// Added to every request on every route (a slow network).
    pub global_latency: Duration,
}

impl FaultBook {
    pub fn add(&mut self, route: Route, fault: Fault, remaining: Option<usize>) {
        if remaining != Some(0) {
            self.rules.push(Rule { route, fault, remaining });
        }
    }

    pub fn clear(&mut self) {
        self.rules.clear();
        self.global_latency = Duration::ZERO;
    }

    /// The faults for one request on `route`, used up as they apply.
    fn take(&mut self, route: Route) -> Vec<Fault> {
        let mut taken = Vec::new();
        for rule in self.rules.iter_mut().filter(|rule| rule.route == route) {
            taken.push(rule.fault.clone());
            if let Some(remaining) = rule.remaining.as_mut() {
                *remaining -= 1;
            }
        }
        self.rules.retain(|rule| rule.remaining != Some(0));
        taken
    }
}

/// The state [`guard`] needs: the sandbox and the route it wraps.
#[derive(Clone)]
pub(crate) struct Guard {
    pub sandbox: Arc<Sandbox>,
    pub route: Route,
}

/// The middleware around every route (see the module docs).
pub(crate) async fn guard(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let (faults, global_latency) = {
        let mut state = guard.sandbox.lock();
        *state.counts.entry(guard.route).or_default() += 1;
        (state.faults.take(guard.route), state.faults.global_latency)
    };
    let latency: Duration = global_latency
        + faults
            .iter()
            .filter_map(|fault| match fault {
                Fault::Latency(delay) => Some(*delay),
                _ => None,
            })
            .sum::<Duration>();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    for fault in &faults {
        match fault {
            Fault::RateLimited { retry_after } => return rate_limited(guard.route, *retry_after),
            Fault::Challenge => return challenge(guard.route),
            Fault::ServerError(code) => return server_error(*code),
            Fault::Latency(_) | Fault::DropAfterCommit => {}
        }
    }
    let handle = request.extensions().get::<ConnectInfo<ConnectionHandle>>().cloned();
    let response = next.run(request).await;
    if faults.contains(&Fault::DropAfterCommit)
        && let Some(ConnectInfo(handle)) = handle
    {
        handle.cut();
    }
    response
}

fn cloudflare_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::SERVER, HeaderValue::from_static("cloudflare"));
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=UTF-8"));
    if let Ok(ray) = HeaderValue::from_str(&format!("{}-IAD", random_hex(8))) {
        headers.insert("cf-ray", ray);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=0, no-store"));
}

/// Cloudflare's rate-limit block (error 1015).
fn rate_limited(route: Route, retry_after: Option<Duration>) -> Response {
    let host = route.host();
    let body = format!(
        "<!DOCTYPE html>\n<html class=\"no-js\" lang=\"en-US\">\n<head>\n\
         <title>Access denied | {host} used Cloudflare to restrict access</title>\n\
         <meta charset=\"UTF-8\" />\n</head>\n<body>\n<div id=\"cf-wrapper\">\n\
         <h1><span class=\"cf-error-type\">Error</span> <span class=\"cf-error-code\">1015</span></h1>\n\
         <h2 class=\"cf-subheadline\">You are being rate limited</h2>\n\
         <p>The owner of this website ({host}) has banned you temporarily from accessing this website.</p>\n\
         <p>Cloudflare Ray ID: <strong>{}</strong></p>\n</div>\n</body>\n</html>\n",
        random_hex(8)
    );
    let mut response = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
    cloudflare_headers(&mut response);
    if let Some(after) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(after.as_secs()));
    }
    response
}

/// Cloudflare's managed challenge ("Just a moment..."), which a script cannot pass.
fn challenge(route: Route) -> Response {
    let host = route.host();
    let body = format!(
        "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>\
         <meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\
         <meta name=\"robots\" content=\"noindex,nofollow\"></head><body>\
         <div class=\"main-wrapper\" role=\"main\"><h1>{host}</h1>\
         <h2>Verifying you are human. This may take a few seconds.</h2></div>\
         <script>window._cf_chl_opt = {{cvId: '3', cZone: '{host}', cType: 'managed', \
         cUPMDTk: '/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray={}'}};</script>\
         </body></html>",
        random_hex(8)
    );
    let mut response = (StatusCode::FORBIDDEN, body).into_response();
    cloudflare_headers(&mut response);
    response.headers_mut().insert("cf-mitigated", HeaderValue::from_static("challenge"));
    response
}

fn server_error(code: u16) -> Response {
    let status = StatusCode::from_u16(code)
        .ok()
        .filter(|status| status.is_server_error())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, status.canonical_reason().unwrap_or("Server Error")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_fault_is_used_up_and_an_always_fault_stays() {
        let mut book = FaultBook::default();
        book.add(Route::Token, Fault::Challenge, Some(2));
        book.add(Route::Token, Fault::ServerError(502), None);
        assert_eq!(book.take(Route::Token).len(), 2);
        assert_eq!(book.take(Route::Token).len(), 2);
        assert_eq!(book.take(Route::Token), [Fault::ServerError(502)]);
        assert!(book.take(Route::MobileLogin).is_empty());
    }
}
