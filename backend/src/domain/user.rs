use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Role, Roles};

/// A user as the use cases see them (no credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    /// None once a deleted user's personal data is scrubbed.
    pub email: Option<String>,
    pub display_name: String,
    pub roles: Roles,
    pub active: bool,
    /// IANA time zone name.
    pub timezone: String,
    pub units: Units,
    pub avatar_url: Option<String>,
    pub payment_link: Option<String>,
    pub has_password: bool,
    pub google_linked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The last sign-in or refresh, if any session ever existed.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// Someone as others are shown them: on the other side of a share, say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub user_id: Uuid,
    pub display_name: String,
    pub avatar_url: Option<String>,
}

impl User {
    /// The ways this account can sign in now.
    pub fn sign_in_methods(&self) -> Vec<SignInMethod> {
        let mut methods = Vec::new();
        if self.has_password {
            methods.push(SignInMethod::Password);
        }
        if self.google_linked {
            methods.push(SignInMethod::Google);
        }
        methods
    }
}

/// A way to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    Password,
    Google,
}

impl SignInMethod {
    /// Words for the audit log.
    pub fn describe(methods: &[SignInMethod]) -> String {
        let names: Vec<&str> = methods
            .iter()
            .map(|method| match method {
                SignInMethod::Password => "password",
                SignInMethod::Google => "Google",
            })
            .collect();
        if names.is_empty() { "no sign-in method".to_owned() } else { names.join(" and ") }
    }
}

/// Which users an admin lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Lower-case substring of email or display name.
    pub query: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// How distances and paces are shown to this user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Units {
    #[default]
    Metric,
    Imperial,
}

impl Units {
    pub fn as_str(self) -> &'static str {
        match self {
            Units::Metric => "metric",
            Units::Imperial => "imperial",
        }
    }

    /// Reads the stored name; anything unknown falls back to metric.
    pub fn from_name(name: &str) -> Self {
        match name {
            "imperial" => Units::Imperial,
            _ => Units::Metric,
        }
    }
}
