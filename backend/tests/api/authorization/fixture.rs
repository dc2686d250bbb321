//! The accounts, links and sessions every cell of the matrix works on, all
//! in one server, and the ways a call gets at them.

use std::sync::atomic::{AtomicUsize, Ordering};

use baton_proto::{
    auth::v1::{self as auth, auth_service_client::AuthServiceClient},
    user::v1::{self as user, Role, user_service_client::UserServiceClient},
};
use tonic::{Request, transport::Channel};

use super::table::Who;
use crate::helpers::{PASSWORD, TestApp, TestUser, bearer, link_token};

/// The accounts every cell works on, in one server.
pub(super) struct Fixture {
    pub(super) app: TestApp,
    pub(super) channel: Channel,
    pub(super) athlete: TestUser,
    /// Linked to `athlete`.
    pub(super) coach: TestUser,
    pub(super) other_athlete: TestUser,
    /// Linked to `other_athlete`.
    pub(super) other_coach: TestUser,
    pub(super) admin: TestUser,
    /// Sends the invites AcceptInvite cells accept, so accepting links
    /// nobody the other cells rely on.
    pub(super) inviter: TestUser,
    next_email: AtomicUsize,
}

impl Fixture {
    pub(super) async fn new() -> Self {
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

    pub(super) fn auth(&self) -> AuthServiceClient<Channel> {
        AuthServiceClient::new(self.channel.clone())
    }

    pub(super) fn users(&self) -> UserServiceClient<Channel> {
        UserServiceClient::new(self.channel.clone())
    }

    /// `message` with the caller's access token, if they have one.
    pub(super) fn request<T>(&self, who: Who, message: T) -> Request<T> {
        match who {
            Who::Anonymous => Request::new(message),
            _ => bearer(message, &self.me(who).access_token),
        }
    }

    /// The caller's account; for an anonymous caller, the athlete whose
    /// data they try.
    pub(super) fn me(&self, who: Who) -> &TestUser {
        match who {
            Who::Anonymous | Who::Athlete => &self.athlete,
            Who::Coach => &self.coach,
            Who::Admin => &self.admin,
        }
    }

    /// The other side of the caller's link (see [`Data::Linked`]).
    pub(super) fn linked(&self, who: Who) -> &TestUser {
        if who == Who::Athlete { &self.coach } else { &self.athlete }
    }

    /// An address nobody has used yet.
    pub(super) fn email(&self) -> String {
        format!("person{}@example.com", self.next_email.fetch_add(1, Ordering::Relaxed))
    }

    /// A new account with `role`, for a cell that changes or deletes it.
    pub(super) async fn throwaway(&self, role: Role) -> TestUser {
        self.app.create_user(&self.email(), "Tess Throwaway", &[role]).await
    }

    /// A new account newly linked to the caller's side (see
    /// [`Data::Linked`]): for an athlete a coach of theirs, for everyone
    /// else an athlete of `coach`.
    pub(super) async fn throwaway_link(&self, who: Who) -> TestUser {
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
    pub(super) async fn invite(&self, coach: &TestUser, email: &str) -> (String, String) {
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
    pub(super) async fn sign_in(&self, user: &TestUser) -> auth::TokenPair {
        self.app.login(&user.email, PASSWORD).await.expect("signs in")
    }

    /// The id of the session `access_token` belongs to.
    pub(super) async fn session_of(&self, access_token: &str) -> String {
        let request = bearer(auth::ListSessionsRequest::default(), access_token);
        let sessions = self.auth().list_sessions(request).await.expect("ListSessions");
        let sessions = sessions.into_inner().sessions;
        sessions.into_iter().find(|session| session.current).expect("a current session").id
    }
}
