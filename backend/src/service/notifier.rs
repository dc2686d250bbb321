//! Telling people about invites and reset links. Baton assumes no mail
//! server: the link is shown to the coach or admin, who hands it over. A
//! mail-sending notifier can replace [`ShowLinkOnly`] later.

/// Receives links as they are created. Implementations must not log the
/// link: it is a credential.
pub trait Notifier: Send + Sync + 'static {
    /// A person was invited to `email` by `inviter`.
    fn invite_created(&self, email: &str, inviter: &str, link: &str);
    /// A password reset link was issued for the account at `email`.
    fn password_reset_issued(&self, email: &str, link: &str);
}

/// Sends nothing: the link reaches the person through whoever created it.
#[derive(Debug, Default, Clone, Copy)]
pub struct ShowLinkOnly;

impl Notifier for ShowLinkOnly {
    fn invite_created(&self, _email: &str, _inviter: &str, _link: &str) {}
    fn password_reset_issued(&self, _email: &str, _link: &str) {}
}
