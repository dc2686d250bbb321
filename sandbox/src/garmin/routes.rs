//! Every path the stand-in serves, each behind the fault [`guard`] with its
//! [`Route`]. Unknown paths answer Jersey's 404.

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};

use super::faults::{Guard, Route, guard};
use super::state::Sandbox;
use super::{api, diauth, sso, widget};

type Shared = Arc<Sandbox>;

/// `method_router`, counted and faulted as `route`.
fn on(sandbox: &Shared, route: Route, method_router: MethodRouter<Shared>) -> MethodRouter<Shared> {
    let guarded = Guard { sandbox: sandbox.clone(), route };
    method_router.layer(from_fn_with_state(guarded, guard))
}

pub(crate) fn router(sandbox: &Shared) -> Router {
    let s = sandbox;
    let sign_in_page = || on(s, Route::SignInPage, get(sso::login::sign_in_page));
    Router::new()
        // SSO, JSON flavour
        .route("/mobile/sso/{locale}/sign-in", sign_in_page())
        .route("/portal/sso/{locale}/sign-in", sign_in_page())
        .route("/mobile/api/login", on(s, Route::MobileLogin, post(sso::login::mobile)))
        .route("/portal/api/login", on(s, Route::PortalLogin, post(sso::login::portal)))
        .route("/mobile/api/mfa/verifyCode", on(s, Route::MobileMfa, post(sso::mfa::mobile)))
        .route("/portal/api/mfa/verifyCode", on(s, Route::PortalMfa, post(sso::mfa::portal)))
        .route("/portal/sso/embed", on(s, Route::PortalEmbed, get(sso::login::portal_embed)))
        // SSO, the widget
        .route(
            "/sso/signin",
            on(s, Route::WidgetPage, get(widget::page)).merge(on(
                s,
                Route::WidgetSignIn,
                post(widget::sign_in),
            )),
        )
        .route(
            "/sso/verifyMFA/loginEnterMfaCode",
            on(s, Route::WidgetMfa, post(widget::verify_mfa)),
        )
        .route("/sso/embed", on(s, Route::Embed, get(widget::embed)))
        // DI OAuth2
        .route("/di-oauth2-service/oauth/token", on(s, Route::Token, post(diauth::token)))
        // connectapi
        .route(
            "/userprofile-service/socialProfile",
            on(s, Route::SocialProfile, get(api::profile::social_profile)),
        )
        .route(
            "/userprofile-service/userprofile/user-settings",
            on(s, Route::UserSettings, get(api::profile::user_settings)),
        )
        .route("/workout-service/workouts", on(s, Route::ListWorkouts, get(api::workouts::list)))
        .route("/workout-service/workout", on(s, Route::CreateWorkout, post(api::workouts::create)))
        .route(
            "/workout-service/workout/types",
            on(s, Route::WorkoutTypes, get(api::types::catalogue)),
        )
        .route(
            "/workout-service/workout/{id}",
            on(s, Route::GetWorkout, get(api::workouts::detail))
                .merge(on(s, Route::UpdateWorkout, axum::routing::put(api::workouts::update)))
                .merge(on(s, Route::DeleteWorkout, axum::routing::delete(api::workouts::delete)))
                .merge(on(s, Route::DeleteWorkout, post(api::workouts::delete_by_override))),
        )
        .route(
            "/workout-service/workouts/{id}/scheduled",
            on(s, Route::WorkoutSchedules, get(api::schedule::of_workout)),
        )
        .route(
            "/workout-service/schedule/{id}",
            on(s, Route::Schedule, post(api::schedule::create))
                .merge(on(s, Route::GetSchedule, get(api::schedule::get)))
                .merge(on(s, Route::Unschedule, axum::routing::delete(api::schedule::delete))),
        )
        .route(
            "/calendar-service/year/{year}/month/{month}",
            on(s, Route::Calendar, get(api::calendar::month)),
        )
        // A browser shown the widget's pages at the top level asks for it.
        .route("/favicon.ico", get(favicon))
        .fallback(|| async { api::ApiError::NotFound })
        .with_state(sandbox.clone())
}

/// A one-colour icon, so a browser on the stand-in's pages logs no 404.
async fn favicon() -> impl axum::response::IntoResponse {
    const ICON: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><circle cx=\"8\" cy=\"8\" r=\"7\" fill=\"#007cc3\"/></svg>";
    ([(axum::http::header::CONTENT_TYPE, "image/svg+xml")], ICON)
}
