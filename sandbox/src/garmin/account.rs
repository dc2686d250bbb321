//! A Garmin account of the stand-in: the credentials the SSO checks and the
//! profile connectapi reports. TEST values only.

/// One Garmin Connect account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GarminAccount {
    /// The sign-in email (matched case-insensitively, as Garmin does).
    pub email: String,
    pub password: String,
    /// The emailed MFA code this account expects; `None` for no MFA.
    pub mfa_code: Option<String>,
    /// The JSON login answers `CAPTCHA_REQUIRED` (a bot challenge no script passes).
    pub captcha_required: bool,
    /// The user profile id, which is also `ownerId` of its workouts;
    /// `None` lets `add_account` assign one.
    pub profile_id: Option<i64>,
    /// `displayName`: a handle, or a UUID for newer accounts.
    pub display_name: String,
    pub full_name: String,
    /// `garminGUID`, also the `garmin_guid` claim of its tokens.
    pub garmin_guid: String,
    /// `userData.measurementSystem` of the user settings: `metric` or `statute_us`.
    pub measurement_system: String,
    pub location: Option<String>,
}

impl GarminAccount {
    /// A metric account without MFA; the display name is the email's local part.
    pub fn new(email: &str, password: &str, full_name: &str) -> Self {
        let display_name = email.split('@').next().unwrap_or(email).to_owned();
        Self {
            email: email.to_owned(),
            password: password.to_owned(),
            mfa_code: None,
            captcha_required: false,
            profile_id: None,
            display_name,
            full_name: full_name.to_owned(),
            garmin_guid: uuid::Uuid::new_v4().to_string(),
            measurement_system: "metric".to_owned(),
            location: None,
        }
    }

    /// The same account, asking for `code` by email after the password.
    pub fn with_mfa(mut self, code: &str) -> Self {
        self.mfa_code = Some(code.to_owned());
        self
    }

    /// The same account, behind a captcha on the JSON login.
    pub fn with_captcha(mut self) -> Self {
        self.captcha_required = true;
        self
    }

    pub(crate) fn profile_id(&self) -> i64 {
        self.profile_id.unwrap_or_default()
    }

    /// `mt*****@gmail.com`: what Garmin shows as where the code was sent.
    pub(crate) fn masked_email(&self) -> String {
        let (local, domain) = self.email.split_once('@').unwrap_or((&self.email, ""));
        let first: String = local.chars().take(2).collect();
        format!("{first}*****@{domain}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_masked_email_keeps_two_letters_and_the_domain() {
        let account = GarminAccount::new("mia.mfa@example.com", "x", "Mia");
        assert_eq!(account.masked_email(), "mi*****@example.com");
    }
}
