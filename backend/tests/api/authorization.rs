//! The authorization matrix (SECURITY.md, "Authorization"): who calls
//! (anonymous, athlete, coach, admin) × every RPC × whose data → the status
//! code the rules and the proto comments give. One server holds the
//! fixture; every cell runs, and all mismatches are reported together.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use baton::clock::ManualClock;
use baton_proto::{
    auth::v1::{
        self as auth, accept_invite_request::Method, auth_service_client::AuthServiceClient,
    },
    garmin::v1::{self as garmin, garmin_service_client::GarminServiceClient},
    sharing::v1::{self as sharing, sharing_service_client::SharingServiceClient},
    user::v1::{self as user, Role, user_service_client::UserServiceClient},
};
use prost::Message;
use tonic::{Code, Request, Response, Status, transport::Channel};

use crate::helpers::{PASSWORD, TestApp, TestStorage, TestUser, bearer, link_token};

use Data::{Invalid, Linked, Others, Own, Unknown, Unowned};

/// Who calls: the four columns of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Athlete,
    Coach,
    Admin,
}

const COLUMNS: [Who; 4] = [Who::Anonymous, Who::Athlete, Who::Coach, Who::Admin];

/// Whose data a call touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Data {
    /// Nobody's: the RPC has no owner to choose (options, lists, creates).
    Unowned,
    /// The caller's own; an anonymous caller tries the athlete's.
    Own,
    /// The other side of the caller's link: an athlete's coach, a coach's
    /// athlete; an admin or anonymous caller tries the linked athlete's.
    Linked,
    /// Someone the caller has no link with: the other coach's or the other
    /// athlete's, or a fresh account's.
    Others,
    /// An id or token nobody has.
    Unknown,
    /// A malformed payload, to show the order of the checks.
    Invalid,
}

/// One cell: `rpc` called by `who` on `data` must answer `expect`.
#[derive(Debug, Clone, Copy)]
struct Cell {
    rpc: &'static str,
    who: Who,
    data: Data,
    expect: Code,
}

const OK: Option<Code> = Some(Code::Ok);
const UNAUTHENTICATED: Option<Code> = Some(Code::Unauthenticated);
const DENIED: Option<Code> = Some(Code::PermissionDenied);
const INVALID: Option<Code> = Some(Code::InvalidArgument);
const PRECONDITION: Option<Code> = Some(Code::FailedPrecondition);
const NOT_FOUND: Option<Code> = Some(Code::NotFound);
const UNIMPLEMENTED: Option<Code> = Some(Code::Unimplemented);
/// No such cell (an anonymous caller has nothing of their own to sign in with).
const NA: Option<Code> = None;

/// An RPC (with a variant after `/`), whose data, and the answers for the
/// columns anonymous, athlete, coach, admin.
type Row = (&'static str, Data, [Option<Code>; 4]);

/// The matrix, run top to bottom. Rows whose calls would delete or re-link
/// fixture accounts if a rule were broken, or that give the fixture new
/// roles and links, come last.
const MATRIX: &[Row] = &[
    ("GetSignInOptions", Unowned, [OK; 4]),
    ("Login", Own, [NA, OK, OK, OK]),
    ("Login", Others, [OK, NA, NA, NA]),
    ("Login", Unknown, [UNAUTHENTICATED; 4]),
    // Self-registration is off on the matrix's server.
    ("SignUp", Unowned, [PRECONDITION; 4]),
    ("SignUp", Invalid, [PRECONDITION, NA, NA, NA]),
    // Google sign-in is not configured; Unowned is purpose SIGN_IN, Own is LINK.
    ("StartGoogleSignIn", Unowned, [PRECONDITION; 4]),
    ("StartGoogleSignIn", Own, [UNAUTHENTICATED, PRECONDITION, PRECONDITION, PRECONDITION]),
    ("FinishGoogleSignIn", Unowned, [PRECONDITION; 4]),
    ("LinkGoogle", Own, [UNAUTHENTICATED, PRECONDITION, PRECONDITION, PRECONDITION]),
    ("Refresh", Own, [NA, OK, OK, OK]),
    ("Refresh", Others, [OK, NA, NA, NA]),
    ("Refresh", Unknown, [UNAUTHENTICATED; 4]),
    ("Logout", Own, [NA, OK, OK, OK]),
    ("Logout", Unknown, [OK; 4]),
    ("GetInvite", Unowned, [OK; 4]),
    ("GetInvite", Unknown, [PRECONDITION; 4]),
    ("ResetPassword", Unowned, [OK; 4]),
    ("ResetPassword", Unknown, [PRECONDITION; 4]),
    ("ChangePassword", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("ListSessions", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("RevokeSession", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("RevokeSession", Linked, [UNAUTHENTICATED, DENIED, DENIED, DENIED]),
    ("RevokeSession", Others, [UNAUTHENTICATED, DENIED, DENIED, DENIED]),
    ("RevokeSession", Unknown, [UNAUTHENTICATED, DENIED, DENIED, DENIED]),
    ("RevokeSession", Invalid, [UNAUTHENTICATED, INVALID, INVALID, INVALID]),
    ("GetMe", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("UpdateMe", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("UpdateMe/payment_link", Own, [UNAUTHENTICATED, DENIED, OK, DENIED]),
    ("ListUsers", Unowned, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("ListUsers", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("CreateUser", Unowned, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("CreateUser", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("UpdateUser", Own, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("UpdateUser", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("UpdateUser", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("UpdateUser", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("UpdateUser", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("IssuePasswordReset", Own, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("IssuePasswordReset", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("IssuePasswordReset", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("IssuePasswordReset", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("IssuePasswordReset", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("InviteAthlete", Unowned, [UNAUTHENTICATED, DENIED, OK, DENIED]),
    ("InviteAthlete", Linked, [UNAUTHENTICATED, DENIED, PRECONDITION, DENIED]),
    ("InviteAthlete", Invalid, [UNAUTHENTICATED, DENIED, INVALID, DENIED]),
    ("ListInvites", Own, [UNAUTHENTICATED, DENIED, OK, OK]),
    ("ListInvites", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("ListInvites", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NA]),
    ("ListInvites", Invalid, [UNAUTHENTICATED, DENIED, INVALID, INVALID]),
    // Own is the coach's invite: athletes and admins send none.
    ("RevokeInvite", Own, [UNAUTHENTICATED, NA, OK, NA]),
    ("RevokeInvite", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("RevokeInvite", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("RevokeInvite", Invalid, [UNAUTHENTICATED, DENIED, INVALID, INVALID]),
    ("ListMyAthletes", Own, [UNAUTHENTICATED, DENIED, OK, DENIED]),
    ("ListMyAthletes", Invalid, [UNAUTHENTICATED, DENIED, INVALID, DENIED]),
    ("GetMyCoaches", Own, [UNAUTHENTICATED, OK, DENIED, DENIED]),
    // The caller's own side of the pair is left empty; admins name both.
    ("UnlinkAthlete", Linked, [UNAUTHENTICATED, OK, OK, OK]),
    ("UnlinkAthlete", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("UnlinkAthlete", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NA]),
    ("UnlinkAthlete/both ids", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("LinkAthlete", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("LinkAthlete", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("LinkAthlete", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("LinkAthlete", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("GetOverview", Unowned, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("ListAuditEvents", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("ListAuditEvents", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("ListAuditEvents", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("RevokeUserSessions", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("RevokeUserSessions", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("RevokeUserSessions", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("RevokeUserSessions", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    // Not built yet: these rows change when they are.
    ("ExportData", Unowned, [UNIMPLEMENTED; 4]),
    ("ImportData", Unowned, [UNIMPLEMENTED; 4]),
    ("ListNotifications", Unowned, [UNIMPLEMENTED; 4]),
    ("MarkNotificationsRead", Unowned, [UNIMPLEMENTED; 4]),
    ("GarminService.GetConnection", Unowned, [NA, UNIMPLEMENTED, NA, NA]),
    ("SharingService.ListOutgoingShares", Unowned, [NA, NA, UNIMPLEMENTED, NA]),
    ("DeleteUser", Own, [UNAUTHENTICATED, DENIED, DENIED, PRECONDITION]),
    ("DeleteUser", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("DeleteUser", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("DeleteUser", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("DeleteUser", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    // With `existing_account`: Own is an invite addressed to the caller's email.
    ("AcceptInvite", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("AcceptInvite", Others, [UNAUTHENTICATED, DENIED, DENIED, DENIED]),
    ("AcceptInvite", Unknown, [UNAUTHENTICATED, PRECONDITION, PRECONDITION, PRECONDITION]),
    ("AcceptInvite/new_password", Unowned, [OK; 4]),
];

fn cells() -> impl Iterator<Item = Cell> {
    MATRIX.iter().flat_map(|&(rpc, data, answers)| {
        COLUMNS
            .into_iter()
            .zip(answers)
            .filter_map(move |(who, expect)| expect.map(|expect| Cell { rpc, who, data, expect }))
    })
}

#[tokio::test]
async fn every_role_gets_the_answer_the_rules_give_for_every_rpc_and_owner() {
    let fixture = Fixture::new().await;
    let mut mismatches = Vec::new();
    let mut size = 0;
    for cell in cells() {
        size += 1;
        let answer = call(&fixture, cell).await;
        let code = answer.as_ref().err().map_or(Code::Ok, Status::code);
        if code != cell.expect {
            let message = answer.err().map(|status| status.message().to_owned());
            mismatches.push(format!(
                "{} as {:?} on {:?} data: expected {:?}, got {:?} {}",
                cell.rpc,
                cell.who,
                cell.data,
                cell.expect,
                code,
                message.unwrap_or_default(),
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {size} cells disagree with the rules:\n  {}",
        mismatches.len(),
        mismatches.join("\n  ")
    );
}

#[test]
fn the_matrix_names_every_rpc_of_every_service() {
    let descriptors = prost_types::FileDescriptorSet::decode(baton_proto::FILE_DESCRIPTOR_SET)
        .expect("the descriptor set decodes");
    let named = |name: &str| MATRIX.iter().any(|(rpc, _, _)| rpc.split('/').next() == Some(name));
    let mut missing = Vec::new();
    for service in descriptors.file.iter().flat_map(|file| &file.service) {
        let service_name = service.name();
        let methods = service.method.iter().map(|method| method.name());
        match service_name {
            "AuthService" | "UserService" => {
                missing.extend(methods.filter(|method| !named(method)).map(str::to_owned));
            }
            "GarminService" | "SharingService" => {
                let prefix = format!("{service_name}.");
                if !MATRIX.iter().any(|(rpc, _, _)| rpc.starts_with(&prefix)) {
                    missing.push(service_name.to_owned());
                }
            }
            _ => {}
        }
    }
    assert!(missing.is_empty(), "RPCs without a row in the matrix: {missing:?}");
}

#[tokio::test]
async fn a_demoted_admin_loses_admin_rpcs_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.create_user("admin@example.com", "Adam Admin", &[Role::Admin]).await;
    let list = || bearer(user::ListUsersRequest::default(), &admin.access_token);
    app.users().await.list_users(list()).await.expect("an admin lists users");

    let root = app.root().await.clone();
    let demote = user::UpdateUserRequest {
        user_id: admin.id.clone(),
        roles: Some(user::RoleSet { roles: vec![Role::Athlete as i32] }),
        ..Default::default()
    };
    app.users().await.update_user(bearer(demote, &root.access_token)).await.unwrap();

    let status = app.users().await.list_users(list()).await.expect_err("no longer an admin");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
}

#[tokio::test]
async fn anonymous_callers_sign_up_when_self_registration_is_on() {
    let storage = Arc::new(TestStorage::new().await);
    let clock = ManualClock::new(chrono::Utc::now());
    let app = TestApp::start_with(storage, clock, |config| config.self_signup = true).await;
    let request = sign_up_request("new.athlete@example.com".to_owned(), PASSWORD);
    app.auth().await.sign_up(request).await.expect("SignUp is public when it is on");
}

/// The accounts every cell works on, in one server.
struct Fixture {
    app: TestApp,
    channel: Channel,
    athlete: TestUser,
    /// Linked to `athlete`.
    coach: TestUser,
    other_athlete: TestUser,
    /// Linked to `other_athlete`.
    other_coach: TestUser,
    admin: TestUser,
    /// Sends the invites AcceptInvite cells accept, so accepting links
    /// nobody the other cells rely on.
    inviter: TestUser,
    next_email: AtomicUsize,
}

impl Fixture {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let channel = app.channel().await;
        let athlete = app.create_user("athlete@example.com", "Ada Athlete", &[Role::Athlete]).await;
        let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
        app.link(&coach, &athlete).await;
        let other_athlete =
            app.create_user("other.athlete@example.com", "Otto Athlete", &[Role::Athlete]).await;
        let other_coach =
            app.create_user("other.coach@example.com", "Olga Coach", &[Role::Coach]).await;
        app.link(&other_coach, &other_athlete).await;
        let admin = app.create_user("admin@example.com", "Adam Admin", &[Role::Admin]).await;
        let inviter = app.create_user("inviter@example.com", "Ines Inviter", &[Role::Coach]).await;
        Self {
            app,
            channel,
            athlete,
            coach,
            other_athlete,
            other_coach,
            admin,
            inviter,
            next_email: AtomicUsize::new(1),
        }
    }

    fn auth(&self) -> AuthServiceClient<Channel> {
        AuthServiceClient::new(self.channel.clone())
    }

    fn users(&self) -> UserServiceClient<Channel> {
        UserServiceClient::new(self.channel.clone())
    }

    /// `message` with the caller's access token, if they have one.
    fn request<T>(&self, who: Who, message: T) -> Request<T> {
        match who {
            Who::Anonymous => Request::new(message),
            _ => bearer(message, &self.me(who).access_token),
        }
    }

    /// The caller's account; for an anonymous caller, the athlete whose
    /// data they try.
    fn me(&self, who: Who) -> &TestUser {
        match who {
            Who::Anonymous | Who::Athlete => &self.athlete,
            Who::Coach => &self.coach,
            Who::Admin => &self.admin,
        }
    }

    /// The other side of the caller's link (see [`Data::Linked`]).
    fn linked(&self, who: Who) -> &TestUser {
        if who == Who::Athlete { &self.coach } else { &self.athlete }
    }

    /// An address nobody has used yet.
    fn email(&self) -> String {
        format!("person{}@example.com", self.next_email.fetch_add(1, Ordering::Relaxed))
    }

    /// A new account with `role`, for a cell that changes or deletes it.
    async fn throwaway(&self, role: Role) -> TestUser {
        self.app.create_user(&self.email(), "Tess Throwaway", &[role]).await
    }

    /// A new account newly linked to the caller's side (see
    /// [`Data::Linked`]): for an athlete a coach of theirs, for everyone
    /// else an athlete of `coach`.
    async fn throwaway_link(&self, who: Who) -> TestUser {
        if who == Who::Athlete {
            let coach = self.throwaway(Role::Coach).await;
            self.app.link(&coach, &self.athlete).await;
            coach
        } else {
            let athlete = self.throwaway(Role::Athlete).await;
            self.app.link(&self.coach, &athlete).await;
            athlete
        }
    }

    /// A fresh pending invite from `coach` to `email`: its id and token.
    async fn invite(&self, coach: &TestUser, email: &str) -> (String, String) {
        let request = user::InviteAthleteRequest { email: email.to_owned(), ..Default::default() };
        let reply = self
            .users()
            .invite_athlete(bearer(request, &coach.access_token))
            .await
            .expect("InviteAthlete")
            .into_inner();
        (reply.invite.expect("invite").id, link_token(&reply.invite_url))
    }

    /// A new session of `user`.
    async fn sign_in(&self, user: &TestUser) -> auth::TokenPair {
        self.app.login(&user.email, PASSWORD).await.expect("signs in")
    }

    /// The id of the session `access_token` belongs to.
    async fn session_of(&self, access_token: &str) -> String {
        let request = bearer(auth::ListSessionsRequest::default(), access_token);
        let sessions = self.auth().list_sessions(request).await.expect("ListSessions");
        let sessions = sessions.into_inner().sessions;
        sessions.into_iter().find(|session| session.current).expect("a current session").id
    }
}

type Answer = Result<(), Status>;

fn answer<T>(reply: Result<Response<T>, Status>) -> Answer {
    reply.map(drop)
}

fn random_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

const NOT_AN_ID: &str = "not-an-id";
const NOT_AN_EMAIL: &str = "not an email";
const NEW_PASSWORD: &str = "a different horse battery staple";
/// base64url SHA-256 of the empty string: shaped like a browser binding.
const BINDING_HASH: &str = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";

async fn call(f: &Fixture, cell: Cell) -> Answer {
    let Cell { rpc, who, data, .. } = cell;
    match rpc {
        "GetSignInOptions" => get_sign_in_options(f, who).await,
        "Login" => login(f, who, data).await,
        "SignUp" => sign_up(f, who, data).await,
        "StartGoogleSignIn" => start_google_sign_in(f, who, data).await,
        "FinishGoogleSignIn" => finish_google_sign_in(f, who).await,
        "LinkGoogle" => link_google(f, who).await,
        "Refresh" => refresh(f, who, data).await,
        "Logout" => logout(f, who, data).await,
        "GetInvite" => get_invite(f, who, data).await,
        "AcceptInvite" => accept_invite(f, who, data).await,
        "AcceptInvite/new_password" => accept_invite_with_password(f, who).await,
        "ResetPassword" => reset_password(f, who, data).await,
        "ChangePassword" => change_password(f, who).await,
        "ListSessions" => list_sessions(f, who).await,
        "RevokeSession" => revoke_session(f, who, data).await,
        "GetMe" => get_me(f, who).await,
        "UpdateMe" => update_me(f, who, "Renamed Myself", None).await,
        "UpdateMe/payment_link" => {
            update_me(f, who, "Paid Coach", Some("https://pay.example.com")).await
        }
        "ListUsers" => list_users(f, who, data).await,
        "CreateUser" => create_user(f, who, data).await,
        "UpdateUser" => update_user(f, who, data).await,
        "DeleteUser" => delete_user(f, who, data).await,
        "IssuePasswordReset" => issue_password_reset(f, who, data).await,
        "InviteAthlete" => invite_athlete(f, who, data).await,
        "ListInvites" => list_invites(f, who, data).await,
        "RevokeInvite" => revoke_invite(f, who, data).await,
        "ListMyAthletes" => list_my_athletes(f, who, data).await,
        "GetMyCoaches" => get_my_coaches(f, who).await,
        "UnlinkAthlete" => unlink_athlete(f, who, data).await,
        "UnlinkAthlete/both ids" => unlink_strangers(f, who).await,
        "LinkAthlete" => link_athlete(f, who, data).await,
        "GetOverview" => get_overview(f, who).await,
        "ListAuditEvents" => list_audit_events(f, who, data).await,
        "RevokeUserSessions" => revoke_user_sessions(f, who, data).await,
        other => not_built_yet(f, who, other).await,
    }
}

async fn get_sign_in_options(f: &Fixture, who: Who) -> Answer {
    answer(f.auth().get_sign_in_options(f.request(who, auth::GetSignInOptionsRequest {})).await)
}

async fn login(f: &Fixture, who: Who, data: Data) -> Answer {
    let email = match data {
        Own => f.me(who).email.clone(),
        Others => f.other_athlete.email.clone(),
        Unknown => f.email(),
        other => unreachable!("Login on {other:?}"),
    };
    let request = auth::LoginRequest { email, password: PASSWORD.to_owned() };
    answer(f.auth().login(f.request(who, request)).await)
}

fn sign_up_request(email: String, password: &str) -> auth::SignUpRequest {
    auth::SignUpRequest {
        email,
        password: password.to_owned(),
        display_name: "Sam Signup".to_owned(),
        timezone: "Europe/Berlin".to_owned(),
    }
}

async fn sign_up(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = match data {
        Unowned => sign_up_request(f.email(), PASSWORD),
        Invalid => sign_up_request(NOT_AN_EMAIL.to_owned(), "short"),
        other => unreachable!("SignUp on {other:?}"),
    };
    answer(f.auth().sign_up(f.request(who, request)).await)
}

async fn start_google_sign_in(f: &Fixture, who: Who, data: Data) -> Answer {
    let purpose = match data {
        Unowned => auth::GoogleSignInPurpose::SignIn,
        Own => auth::GoogleSignInPurpose::Link,
        other => unreachable!("StartGoogleSignIn on {other:?}"),
    };
    let request = auth::StartGoogleSignInRequest {
        purpose: purpose as i32,
        browser_binding_hash: BINDING_HASH.to_owned(),
        invite_token: String::new(),
    };
    answer(f.auth().start_google_sign_in(f.request(who, request)).await)
}

/// What Google's redirect would deliver, well-formed.
fn google_authorization() -> Option<auth::GoogleAuthorization> {
    Some(auth::GoogleAuthorization {
        code: "a-code".to_owned(),
        state: "a-state".to_owned(),
        browser_binding_secret: "a-secret".to_owned(),
    })
}

async fn finish_google_sign_in(f: &Fixture, who: Who) -> Answer {
    let request = auth::FinishGoogleSignInRequest { authorization: google_authorization() };
    answer(f.auth().finish_google_sign_in(f.request(who, request)).await)
}

async fn link_google(f: &Fixture, who: Who) -> Answer {
    let request = auth::LinkGoogleRequest { authorization: google_authorization() };
    answer(f.auth().link_google(f.request(who, request)).await)
}

/// A refresh token: of a new session of the caller (Own) or of the other
/// athlete (Others), or one nobody has (Unknown).
async fn refresh_token(f: &Fixture, who: Who, data: Data) -> String {
    match data {
        Own => f.sign_in(f.me(who)).await.refresh_token,
        Others => f.sign_in(&f.other_athlete).await.refresh_token,
        Unknown => "no-such-refresh-token".to_owned(),
        other => unreachable!("a refresh token on {other:?}"),
    }
}

async fn refresh(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = auth::RefreshRequest { refresh_token: refresh_token(f, who, data).await };
    answer(f.auth().refresh(f.request(who, request)).await)
}

async fn logout(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = auth::LogoutRequest { refresh_token: refresh_token(f, who, data).await };
    answer(f.auth().logout(f.request(who, request)).await)
}

async fn get_invite(f: &Fixture, who: Who, data: Data) -> Answer {
    let invite_token = match data {
        Unowned => f.invite(&f.inviter, &f.email()).await.1,
        Unknown => "no-such-invite".to_owned(),
        other => unreachable!("GetInvite on {other:?}"),
    };
    answer(f.auth().get_invite(f.request(who, auth::GetInviteRequest { invite_token })).await)
}

async fn accept_invite(f: &Fixture, who: Who, data: Data) -> Answer {
    let invite_token = match data {
        Own => f.invite(&f.inviter, &f.me(who).email).await.1,
        Others => f.invite(&f.inviter, &f.other_athlete.email).await.1,
        Unknown => "no-such-invite".to_owned(),
        other => unreachable!("AcceptInvite on {other:?}"),
    };
    let request = auth::AcceptInviteRequest {
        invite_token,
        method: Some(Method::ExistingAccount(auth::ExistingAccount {})),
        ..Default::default()
    };
    answer(f.auth().accept_invite(f.request(who, request)).await)
}

async fn accept_invite_with_password(f: &Fixture, who: Who) -> Answer {
    let (_, invite_token) = f.invite(&f.inviter, &f.email()).await;
    let request = auth::AcceptInviteRequest {
        invite_token,
        method: Some(Method::NewPassword(auth::NewAccountPassword {
            password: PASSWORD.to_owned(),
        })),
        ..Default::default()
    };
    answer(f.auth().accept_invite(f.request(who, request)).await)
}

async fn reset_password(f: &Fixture, who: Who, data: Data) -> Answer {
    let reset_token = match data {
        Unowned => {
            let target = f.throwaway(Role::Athlete).await;
            let root = f.app.root().await;
            let issue = user::IssuePasswordResetRequest { user_id: target.id };
            let issued = f.users().issue_password_reset(bearer(issue, &root.access_token)).await;
            link_token(&issued.expect("IssuePasswordReset").into_inner().reset_url)
        }
        Unknown => "no-such-reset".to_owned(),
        other => unreachable!("ResetPassword on {other:?}"),
    };
    let request = auth::ResetPasswordRequest { reset_token, new_password: NEW_PASSWORD.to_owned() };
    answer(f.auth().reset_password(f.request(who, request)).await)
}

/// Changes the caller's password and, when that works, changes it back.
async fn change_password(f: &Fixture, who: Who) -> Answer {
    let change = |from: &str, to: &str| auth::ChangePasswordRequest {
        current_password: from.to_owned(),
        new_password: to.to_owned(),
        revoke_other_sessions: false,
    };
    let changed =
        answer(f.auth().change_password(f.request(who, change(PASSWORD, NEW_PASSWORD))).await);
    if changed.is_ok() {
        let back = f.auth().change_password(f.request(who, change(NEW_PASSWORD, PASSWORD))).await;
        back.expect("the password changes back");
    }
    changed
}

async fn list_sessions(f: &Fixture, who: Who) -> Answer {
    answer(f.auth().list_sessions(f.request(who, auth::ListSessionsRequest::default())).await)
}

async fn revoke_session(f: &Fixture, who: Who, data: Data) -> Answer {
    let session_id = match data {
        Own => f.session_of(&f.sign_in(f.me(who)).await.access_token).await,
        Linked => f.session_of(&f.linked(who).access_token).await,
        Others => f.session_of(&f.other_athlete.access_token).await,
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        Unowned => unreachable!("RevokeSession on {data:?}"),
    };
    let request = auth::RevokeSessionRequest { session_id };
    answer(f.auth().revoke_session(f.request(who, request)).await)
}

async fn get_me(f: &Fixture, who: Who) -> Answer {
    answer(f.users().get_me(f.request(who, user::GetMeRequest {})).await)
}

async fn update_me(f: &Fixture, who: Who, name: &str, payment_link: Option<&str>) -> Answer {
    let request = user::UpdateMeRequest {
        display_name: Some(name.to_owned()),
        payment_link: payment_link.map(str::to_owned),
        ..Default::default()
    };
    answer(f.users().update_me(f.request(who, request)).await)
}

async fn list_users(f: &Fixture, who: Who, data: Data) -> Answer {
    let role = match data {
        Unowned => Role::Unspecified as i32,
        Invalid => 99,
        other => unreachable!("ListUsers on {other:?}"),
    };
    let request = user::ListUsersRequest { role, ..Default::default() };
    answer(f.users().list_users(f.request(who, request)).await)
}

async fn create_user(f: &Fixture, who: Who, data: Data) -> Answer {
    let (email, roles) = match data {
        Unowned => (f.email(), vec![Role::Athlete as i32]),
        Invalid => (NOT_AN_EMAIL.to_owned(), vec![]),
        other => unreachable!("CreateUser on {other:?}"),
    };
    let request = user::CreateUserRequest {
        email,
        display_name: "Nina New".to_owned(),
        roles,
        ..Default::default()
    };
    answer(f.users().create_user(f.request(who, request)).await)
}

/// A user id for the admin RPCs that act on one account. Cells that would
/// change the account for good get a throwaway one.
async fn target_id(f: &Fixture, who: Who, data: Data, throwaway: bool) -> String {
    match data {
        Own => f.me(who).id.clone(),
        Linked if throwaway => f.throwaway_link(who).await.id,
        Linked => f.linked(who).id.clone(),
        Others if throwaway => f.throwaway(Role::Athlete).await.id,
        Others => f.other_athlete.id.clone(),
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        Unowned => unreachable!("a user id on {data:?}"),
    }
}

async fn update_user(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = user::UpdateUserRequest {
        user_id: target_id(f, who, data, false).await,
        display_name: Some("Renamed By Admin".to_owned()),
        ..Default::default()
    };
    answer(f.users().update_user(f.request(who, request)).await)
}

async fn delete_user(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = user::DeleteUserRequest { user_id: target_id(f, who, data, true).await };
    answer(f.users().delete_user(f.request(who, request)).await)
}

async fn issue_password_reset(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = user::IssuePasswordResetRequest { user_id: target_id(f, who, data, false).await };
    answer(f.users().issue_password_reset(f.request(who, request)).await)
}

async fn revoke_user_sessions(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = user::RevokeUserSessionsRequest { user_id: target_id(f, who, data, true).await };
    answer(f.users().revoke_user_sessions(f.request(who, request)).await)
}

async fn invite_athlete(f: &Fixture, who: Who, data: Data) -> Answer {
    let email = match data {
        Unowned => f.email(),
        Linked => f.linked(who).email.clone(),
        Invalid => NOT_AN_EMAIL.to_owned(),
        other => unreachable!("InviteAthlete on {other:?}"),
    };
    let request = user::InviteAthleteRequest { email, ..Default::default() };
    answer(f.users().invite_athlete(f.request(who, request)).await)
}

async fn list_invites(f: &Fixture, who: Who, data: Data) -> Answer {
    let inviter_id = match data {
        Own => f.me(who).id.clone(),
        Others => f.other_coach.id.clone(),
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        other => unreachable!("ListInvites on {other:?}"),
    };
    let request = user::ListInvitesRequest { inviter_id, ..Default::default() };
    answer(f.users().list_invites(f.request(who, request)).await)
}

async fn revoke_invite(f: &Fixture, who: Who, data: Data) -> Answer {
    let invite_id = match data {
        Own => f.invite(&f.coach, &f.email()).await.0,
        Others => f.invite(&f.other_coach, &f.email()).await.0,
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        other => unreachable!("RevokeInvite on {other:?}"),
    };
    answer(f.users().revoke_invite(f.request(who, user::RevokeInviteRequest { invite_id })).await)
}

async fn list_my_athletes(f: &Fixture, who: Who, data: Data) -> Answer {
    let page_size = match data {
        Own => 0,
        Invalid => -1,
        other => unreachable!("ListMyAthletes on {other:?}"),
    };
    let request = user::ListMyAthletesRequest { page_size, ..Default::default() };
    answer(f.users().list_my_athletes(f.request(who, request)).await)
}

async fn get_my_coaches(f: &Fixture, who: Who) -> Answer {
    answer(f.users().get_my_coaches(f.request(who, user::GetMyCoachesRequest {})).await)
}

/// Unlinks a pair, leaving the caller's own side empty as the proto asks
/// (an admin or anonymous caller names both).
async fn unlink_athlete(f: &Fixture, who: Who, data: Data) -> Answer {
    let (coach_id, athlete_id) = match (data, who) {
        (Linked, Who::Athlete) => (f.throwaway_link(who).await.id, f.athlete.id.clone()),
        (Linked, _) => (f.coach.id.clone(), f.throwaway_link(who).await.id),
        (Others, Who::Athlete) => (f.other_coach.id.clone(), f.athlete.id.clone()),
        (Others, _) => (f.coach.id.clone(), f.other_athlete.id.clone()),
        (Unknown, Who::Athlete) => (random_id(), f.athlete.id.clone()),
        (Unknown, _) => (f.coach.id.clone(), random_id()),
        (other, _) => unreachable!("UnlinkAthlete on {other:?}"),
    };
    let request = user::UnlinkAthleteRequest {
        coach_id: if who == Who::Coach { String::new() } else { coach_id },
        athlete_id: if who == Who::Athlete { String::new() } else { athlete_id },
    };
    answer(f.users().unlink_athlete(f.request(who, request)).await)
}

/// Names both sides of a new pair the caller has nothing to do with.
async fn unlink_strangers(f: &Fixture, who: Who) -> Answer {
    let coach = f.throwaway(Role::Coach).await;
    let athlete = f.throwaway(Role::Athlete).await;
    f.app.link(&coach, &athlete).await;
    let request = user::UnlinkAthleteRequest { coach_id: coach.id, athlete_id: athlete.id };
    answer(f.users().unlink_athlete(f.request(who, request)).await)
}

async fn link_athlete(f: &Fixture, who: Who, data: Data) -> Answer {
    let (coach_id, athlete_id) = match data {
        Linked => (f.coach.id.clone(), f.athlete.id.clone()),
        Others => (f.other_coach.id.clone(), f.throwaway(Role::Athlete).await.id),
        Unknown => (f.coach.id.clone(), random_id()),
        Invalid => (NOT_AN_ID.to_owned(), f.athlete.id.clone()),
        other => unreachable!("LinkAthlete on {other:?}"),
    };
    let request = user::LinkAthleteRequest { coach_id, athlete_id };
    answer(f.users().link_athlete(f.request(who, request)).await)
}

async fn get_overview(f: &Fixture, who: Who) -> Answer {
    answer(f.users().get_overview(f.request(who, user::GetOverviewRequest {})).await)
}

async fn list_audit_events(f: &Fixture, who: Who, data: Data) -> Answer {
    let user_id = match data {
        Own => f.me(who).id.clone(),
        Linked => f.linked(who).id.clone(),
        Others => f.other_athlete.id.clone(),
        other => unreachable!("ListAuditEvents on {other:?}"),
    };
    let request = user::ListAuditEventsRequest { user_id, ..Default::default() };
    answer(f.users().list_audit_events(f.request(who, request)).await)
}

async fn not_built_yet(f: &Fixture, who: Who, rpc: &str) -> Answer {
    let mut users = f.users();
    match rpc {
        "ExportData" => {
            answer(users.export_data(f.request(who, user::ExportDataRequest::default())).await)
        }
        "ImportData" => {
            answer(users.import_data(f.request(who, user::ImportDataRequest::default())).await)
        }
        "ListNotifications" => {
            let request = user::ListNotificationsRequest::default();
            answer(users.list_notifications(f.request(who, request)).await)
        }
        "MarkNotificationsRead" => {
            let request = user::MarkNotificationsReadRequest::default();
            answer(users.mark_notifications_read(f.request(who, request)).await)
        }
        "GarminService.GetConnection" => {
            let mut client = GarminServiceClient::new(f.channel.clone());
            answer(client.get_connection(f.request(who, garmin::GetConnectionRequest {})).await)
        }
        "SharingService.ListOutgoingShares" => {
            let mut client = SharingServiceClient::new(f.channel.clone());
            let request = sharing::ListOutgoingSharesRequest::default();
            answer(client.list_outgoing_shares(f.request(who, request)).await)
        }
        other => panic!("the matrix names {other}, which has no call here"),
    }
}
