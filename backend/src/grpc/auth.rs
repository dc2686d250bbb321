//! `baton.auth.v1.AuthService`.

use baton_proto::auth::v1::{
    self as pb, accept_invite_request::Method, auth_service_server::AuthService as AuthRpc,
    finish_google_sign_in_response, login_response, reauthenticate_request,
};
use secrecy::SecretString;
use tonic::{Request, Response, Status};

use super::{
    authentication::{caller, client_info, optional_caller},
    convert,
    parse::{self, Fields},
};
use crate::{
    domain::{Email, Password},
    error::Error,
    service::{AuthService, GoogleAuthorization, GooglePurpose, NewAccountDetails},
};

/// The gRPC face of [`AuthService`].
pub struct AuthApi {
    auth: AuthService,
}

impl AuthApi {
    pub fn new(auth: AuthService) -> Self {
        Self { auth }
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl AuthRpc for AuthApi {
    async fn get_sign_in_options(
        &self,
        _: Request<pb::GetSignInOptionsRequest>,
    ) -> Reply<pb::GetSignInOptionsResponse> {
        let options = self.auth.sign_in_options();
        Ok(Response::new(pb::GetSignInOptionsResponse {
            self_signup_enabled: options.self_signup,
            google_sign_in_enabled: options.google,
        }))
    }

    async fn login(&self, request: Request<pb::LoginRequest>) -> Reply<pb::LoginResponse> {
        let client = client_info(&request);
        let pb::LoginRequest { email, password } = request.into_inner();
        let tokens = self.auth.login(&client, &email, SecretString::from(password)).await?;
        let result = login_response::Result::Tokens(convert::token_pair(tokens));
        Ok(Response::new(pb::LoginResponse { result: Some(result) }))
    }

    async fn sign_up(&self, request: Request<pb::SignUpRequest>) -> Reply<pb::SignUpResponse> {
        self.auth.require_self_signup()?;
        let client = client_info(&request);
        let request = request.into_inner();
        let mut fields = Fields::default();
        let email = fields.check("email", Email::parse(&request.email));
        let password = fields.check("password", Password::parse(&request.password));
        let name = fields.check("display_name", parse::display_name(&request.display_name));
        let timezone = fields.check("timezone", parse::timezone(&request.timezone));
        let (Some(email), Some(password), Some(name), Some(timezone)) =
            (email, password, name, timezone)
        else {
            return Err(fields.error().into());
        };
        let (user, tokens) = self.auth.sign_up(&client, &email, password, &name, &timezone).await?;
        Ok(Response::new(pb::SignUpResponse {
            tokens: Some(convert::token_pair(tokens)),
            user: Some(convert::user(user)),
        }))
    }

    async fn start_google_sign_in(
        &self,
        request: Request<pb::StartGoogleSignInRequest>,
    ) -> Reply<pb::StartGoogleSignInResponse> {
        let (caller, client) = (optional_caller(&request)?, client_info(&request));
        let request = request.into_inner();
        let purpose = google_purpose(request.purpose)?;
        let binding = parse::browser_binding_hash(&request.browser_binding_hash)?;
        let invite = Some(request.invite_token.as_str()).filter(|token| !token.is_empty());
        let (url, expires_at) =
            self.auth.start_google(caller.as_ref(), &client, purpose, binding, invite).await?;
        Ok(Response::new(pb::StartGoogleSignInResponse {
            authorization_url: url,
            expire_time: Some(convert::timestamp(expires_at)),
        }))
    }

    async fn finish_google_sign_in(
        &self,
        request: Request<pb::FinishGoogleSignInRequest>,
    ) -> Reply<pb::FinishGoogleSignInResponse> {
        let client = client_info(&request);
        let authorization = google_authorization(request.into_inner().authorization)?;
        let tokens = self.auth.finish_google_sign_in(&client, &authorization).await?;
        let result = finish_google_sign_in_response::Result::Tokens(convert::token_pair(tokens));
        Ok(Response::new(pb::FinishGoogleSignInResponse { result: Some(result) }))
    }

    async fn refresh(&self, request: Request<pb::RefreshRequest>) -> Reply<pb::RefreshResponse> {
        let tokens = self.auth.refresh(&request.into_inner().refresh_token).await?;
        Ok(Response::new(pb::RefreshResponse { tokens: Some(convert::token_pair(tokens)) }))
    }

    async fn logout(&self, request: Request<pb::LogoutRequest>) -> Reply<pb::LogoutResponse> {
        self.auth.logout(&request.into_inner().refresh_token).await?;
        Ok(Response::new(pb::LogoutResponse {}))
    }

    async fn get_invite(
        &self,
        request: Request<pb::GetInviteRequest>,
    ) -> Reply<pb::GetInviteResponse> {
        let preview = self.auth.get_invite(&request.into_inner().invite_token).await?;
        Ok(Response::new(pb::GetInviteResponse {
            email: preview.email,
            inviter_display_name: preview.inviter_display_name,
            roles: convert::roles(&preview.roles),
            expire_time: Some(convert::timestamp(preview.expires_at)),
        }))
    }

    async fn accept_invite(
        &self,
        request: Request<pb::AcceptInviteRequest>,
    ) -> Reply<pb::AcceptInviteResponse> {
        let client = client_info(&request);
        let caller = optional_caller(&request)?;
        let request = request.into_inner();
        let token = request.invite_token.as_str();
        let (user, tokens) = match request.method {
            Some(Method::ExistingAccount(_)) => {
                let caller = caller.ok_or(Error::Unauthenticated)?;
                (self.auth.accept_invite_as(&caller, &client, token).await?, None)
            }
            Some(Method::NewPassword(new)) => {
                let mut fields = Fields::default();
                let password =
                    fields.check("new_password.password", Password::parse(&new.password));
                let details =
                    new_account_details(&mut fields, &request.display_name, &request.timezone);
                let (Some(password), Some(details)) = (password, details) else {
                    return Err(fields.error().into());
                };
                let (user, tokens) = self
                    .auth
                    .accept_invite_with_password(&client, token, password, details)
                    .await?;
                (user, Some(tokens))
            }
            Some(Method::Google(authorization)) => {
                let mut fields = Fields::default();
                let details =
                    new_account_details(&mut fields, &request.display_name, &request.timezone);
                let Some(details) = details else { return Err(fields.error().into()) };
                let authorization = google_authorization(Some(authorization))?;
                let (user, tokens) = self
                    .auth
                    .accept_invite_with_google(&client, token, &authorization, details)
                    .await?;
                (user, Some(tokens))
            }
            None => return Err(Error::invalid("method", "choose how to accept the invite").into()),
        };
        Ok(Response::new(pb::AcceptInviteResponse {
            tokens: tokens.map(convert::token_pair),
            user: Some(convert::user(user)),
        }))
    }

    async fn reset_password(
        &self,
        request: Request<pb::ResetPasswordRequest>,
    ) -> Reply<pb::ResetPasswordResponse> {
        let client = client_info(&request);
        let request = request.into_inner();
        let password = parse::password("new_password", &request.new_password)?;
        let methods = self.auth.reset_password(&client, &request.reset_token, password).await?;
        Ok(Response::new(pb::ResetPasswordResponse {
            sign_in_methods: convert::sign_in_methods(&methods),
        }))
    }

    async fn change_password(
        &self,
        request: Request<pb::ChangePasswordRequest>,
    ) -> Reply<pb::ChangePasswordResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let request = request.into_inner();
        let new = parse::password("new_password", &request.new_password)?;
        let current = SecretString::from(request.current_password);
        let revoked = self
            .auth
            .change_password(&caller, &client, current, new, request.revoke_other_sessions)
            .await?;
        Ok(Response::new(pb::ChangePasswordResponse {
            revoked_session_count: convert::count(revoked),
        }))
    }

    async fn list_sessions(
        &self,
        request: Request<pb::ListSessionsRequest>,
    ) -> Reply<pb::ListSessionsResponse> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let page = parse::page(request.page_size, &request.page_token)?;
        let (sessions, next_page_token) = self.auth.list_sessions(&caller, &page).await?;
        let sessions = sessions.into_iter().map(convert::session).collect();
        Ok(Response::new(pb::ListSessionsResponse { sessions, next_page_token }))
    }

    async fn revoke_session(
        &self,
        request: Request<pb::RevokeSessionRequest>,
    ) -> Reply<pb::RevokeSessionResponse> {
        let caller = caller(&request)?;
        let session_id = parse::id("session_id", &request.into_inner().session_id)?;
        self.auth.revoke_session(&caller, session_id).await?;
        Ok(Response::new(pb::RevokeSessionResponse {}))
    }

    async fn link_google(
        &self,
        request: Request<pb::LinkGoogleRequest>,
    ) -> Reply<pb::LinkGoogleResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let authorization = google_authorization(request.into_inner().authorization)?;
        let user = self.auth.link_google(&caller, &client, &authorization).await?;
        Ok(Response::new(pb::LinkGoogleResponse { user: Some(convert::user(user)) }))
    }

    async fn unlink_google(
        &self,
        request: Request<pb::UnlinkGoogleRequest>,
    ) -> Reply<pb::UnlinkGoogleResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let user_id = parse::optional_id("user_id", &request.into_inner().user_id)?;
        let user = self.auth.unlink_google(&caller, &client, user_id).await?;
        Ok(Response::new(pb::UnlinkGoogleResponse { user: Some(convert::user(user)) }))
    }

    async fn reauthenticate(
        &self,
        request: Request<pb::ReauthenticateRequest>,
    ) -> Reply<pb::ReauthenticateResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let recent_until = match request.into_inner().method {
            Some(reauthenticate_request::Method::Password(password)) => {
                let password = SecretString::from(password);
                self.auth.reauthenticate_with_password(&caller, &client, password).await?
            }
            Some(reauthenticate_request::Method::Google(authorization)) => {
                let authorization = google_authorization(Some(authorization))?;
                self.auth.reauthenticate_with_google(&caller, &client, &authorization).await?
            }
            None => return Err(Error::invalid("method", "give the password or Google").into()),
        };
        Ok(Response::new(pb::ReauthenticateResponse {
            recent_sign_in_expire_time: Some(convert::timestamp(recent_until)),
        }))
    }
}

fn google_purpose(value: i32) -> Result<GooglePurpose, Error> {
    match pb::GoogleSignInPurpose::try_from(value) {
        Ok(pb::GoogleSignInPurpose::SignIn) => Ok(GooglePurpose::SignIn),
        Ok(pb::GoogleSignInPurpose::AcceptInvite) => Ok(GooglePurpose::AcceptInvite),
        Ok(pb::GoogleSignInPurpose::Link) => Ok(GooglePurpose::Link),
        Ok(pb::GoogleSignInPurpose::Reauthenticate) => Ok(GooglePurpose::Reauthenticate),
        Ok(pb::GoogleSignInPurpose::Unspecified) | Err(_) => {
            Err(Error::invalid("purpose", "must be SIGN_IN, ACCEPT_INVITE, LINK or REAUTHENTICATE"))
        }
    }
}

fn google_authorization(
    authorization: Option<pb::GoogleAuthorization>,
) -> Result<GoogleAuthorization, Error> {
    let authorization =
        authorization.ok_or_else(|| Error::invalid("authorization", "is required"))?;
    let mut fields = Fields::default();
    let code = fields.check("authorization.code", parse::bounded(&authorization.code, 2048));
    let state = fields.check("authorization.state", parse::bounded(&authorization.state, 256));
    let secret = fields.check(
        "authorization.browser_binding_secret",
        parse::bounded(&authorization.browser_binding_secret, 256),
    );
    let (Some(code), Some(state), Some(browser_binding_secret)) = (code, state, secret) else {
        return Err(fields.error());
    };
    Ok(GoogleAuthorization { code, state, browser_binding_secret })
}

fn new_account_details(
    fields: &mut Fields,
    display_name: &str,
    timezone: &str,
) -> Option<NewAccountDetails> {
    let display_name = if display_name.trim().is_empty() {
        Some(None)
    } else {
        fields.check("display_name", parse::display_name(display_name)).map(Some)
    };
    let timezone = if timezone.trim().is_empty() {
        Some(None)
    } else {
        fields.check("timezone", parse::timezone(timezone)).map(Some)
    };
    Some(NewAccountDetails { display_name: display_name?, timezone: timezone? })
}
