//! The Garmin Connect client: where Garmin lives (every base URL is
//! configuration, so tests and the sandbox point it at a local server),
//! the HTTP clients, and the constants of the current sign-in flow
//! (GARMIN.md §2.4, §0.1).

use std::time::Duration;

use reqwest::header::{self, HeaderName};
use url::Url;

use super::{error::GarminError, transport::SignInTransport};

/// The DI OAuth2 client id tickets are exchanged with, once (GARMIN.md §0.1).
pub const DI_CLIENT_ID: &str = "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2";
/// The literal grant type of the ticket exchange (garmin.com even for CN).
pub const TICKET_GRANT: &str =
    "https://connectapi.garmin.com/di-oauth2-service/oauth/grant/service_ticket";
/// The SSO client and service of the mobile JSON login (strategy 1).
pub const SSO_CLIENT_ID: &str = "GCM_IOS_DARK";
pub const MOBILE_SERVICE: &str = "https://mobile.integration.garmin.com/gcm/ios";
/// The mobile app's browser, for the JSON login and MFA calls.
pub const MOBILE_USER_AGENT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
/// The Android app, for the token endpoint and the data API.
pub const NATIVE_USER_AGENT: &str = "GCM-Android-5.23";
const NATIVE_X_USER_AGENT: &str = "com.garmin.android.apps.connectmobile/5.23; ; Google/sdk_gphone64_arm64/google; Android/33; Dalvik/2.1.0";

/// The Android app's headers, in the order sent (GARMIN.md §2.4.2).
pub(super) static NATIVE_HEADERS: [(HeaderName, &str); 8] = [
    (header::USER_AGENT, NATIVE_USER_AGENT),
    (HeaderName::from_static("x-garmin-user-agent"), NATIVE_X_USER_AGENT),
    (HeaderName::from_static("x-garmin-paired-app-version"), "10861"),
    (HeaderName::from_static("x-garmin-client-platform"), "Android"),
    (HeaderName::from_static("x-app-ver"), "10861"),
    (HeaderName::from_static("x-lang"), "en"),
    (HeaderName::from_static("x-gcexperience"), "GC5"),
    (header::ACCEPT_LANGUAGE, "en-US,en;q=0.9"),
];
/// How long a TCP (and TLS) connection to Garmin may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where Garmin lives and how long to wait for it.
#[derive(Debug, Clone)]
pub struct GarminConfig {
    /// `https://sso.garmin.com`
    pub sso_url: Url,
    /// `https://diauth.garmin.com`
    pub diauth_url: Url,
    /// `https://connectapi.garmin.com`
    pub api_url: Url,
    /// Baton's own origin, which the sign-in widget posts the ticket to.
    pub public_origin: String,
    /// Data API calls (GARMIN.md §3: 15 s).
    pub api_timeout: Duration,
    /// Sign-in and token calls (30 s).
    pub auth_timeout: Duration,
    /// First wait before retrying a failed read; doubles per attempt.
    pub retry_delay: Duration,
}

impl GarminConfig {
    /// Garmin's own hosts.
    pub fn garmin(public_origin: String) -> Result<Self, url::ParseError> {
        Ok(Self {
            sso_url: Url::parse("https://sso.garmin.com")?,
            diauth_url: Url::parse("https://diauth.garmin.com")?,
            api_url: Url::parse("https://connectapi.garmin.com")?,
            public_origin,
            api_timeout: Duration::from_secs(15),
            auth_timeout: Duration::from_secs(30),
            retry_delay: Duration::from_secs(1),
        })
    }
}

/// Talks to Garmin Connect for any account; holds no account's tokens.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct GarminClient {
    pub(super) config: GarminConfig,
    /// The data API's client.
    pub(super) http: reqwest::Client,
    /// The SSO and token endpoint calls' client (browser-like with the
    /// `browser-tls` feature).
    pub(super) sign_in: SignInTransport,
}

impl GarminClient {
    pub fn new(config: GarminConfig) -> Result<Self, GarminError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| GarminError::Unavailable(format!("HTTP client: {error}")))?;
        #[cfg(feature = "browser-tls")]
        let sign_in = SignInTransport::browser(CONNECT_TIMEOUT);
        #[cfg(not(feature = "browser-tls"))]
        let sign_in = SignInTransport::Plain(http.clone());
        Ok(Self { config, http, sign_in })
    }

    pub fn config(&self) -> &GarminConfig {
        &self.config
    }

    /// `base` joined with `path` (which starts with `/`).
    pub(super) fn url(base: &Url, path: &str) -> Result<Url, GarminError> {
        base.join(path).map_err(|_| GarminError::Unavailable(format!("bad Garmin URL {path}")))
    }

    /// The native Android headers python-garminconnect sends to the token
    /// endpoint and the data API (GARMIN.md §2.4.2), so every call of one
    /// account looks like the same app.
    pub(super) fn native(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        NATIVE_HEADERS.iter().fold(request, |request, (name, value)| request.header(name, *value))
    }

    /// The SSO service URL of Garmin's sign-in widget (tickets from the
    /// browser are issued for it, and redeemed with it).
    pub fn widget_service(&self) -> String {
        format!("{}/sso/embed", self.sso_origin())
    }

    /// The SSO origin (`https://sso.garmin.com`), without a trailing slash.
    pub fn sso_origin(&self) -> String {
        self.config.sso_url.origin().ascii_serialization()
    }

    /// Garmin's sign-in widget for an iframe on Baton's page (GARMIN.md
    /// §0.1): it posts the service ticket to `public_origin`.
    pub fn widget_url(&self) -> String {
        let sso = self.sso_origin();
        let mut url = self.config.sso_url.clone();
        url.set_path("/sso/signin");
        url.query_pairs_mut()
            .append_pair("id", "gauth-widget")
            .append_pair("embedWidget", "true")
            .append_pair("gauthHost", &format!("{sso}/sso"))
            .append_pair("service", &self.widget_service())
            .append_pair("source", &self.config.public_origin)
            .append_pair("consumeServiceTicket", "false");
        url.into()
    }

    /// Garmin's sign-in page for the paste path: after signing in, the
    /// browser lands on the widget service URL with `?ticket=ST-…`.
    pub fn sign_in_url(&self) -> String {
        let mut url = self.config.sso_url.clone();
        url.set_path("/sso/signin");
        url.query_pairs_mut().append_pair("service", &self.widget_service());
        url.into()
    }
}

impl GarminClient {
    /// A service ticket as the user gave it: alone (`ST-…`, for the
    /// widget's service) or inside the URL Garmin sent the browser to, whose
    /// address is then the service it was issued for. Only Garmin's own
    /// addresses (or the configured SSO host) are accepted as services.
    pub fn read_ticket(&self, input: &str) -> Result<super::Ticket, &'static str> {
        let input = input.trim();
        if input.starts_with("ST-") {
            return valid_ticket(input)
                .map(|ticket| super::Ticket { ticket, service_url: self.widget_service() });
        }
        let url =
            Url::parse(input).map_err(|_| "is neither a service ticket (ST-…) nor a Garmin URL")?;
        let ticket = url
            .query_pairs()
            .find(|(name, _)| name == "ticket")
            .map(|(_, value)| value.into_owned())
            .ok_or("is a URL without a ticket in it")?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let garmins = ["garmin.com", "garmin.cn"];
        let owned =
            garmins.iter().any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
                || url.origin() == self.config.sso_url.origin();
        if !owned || !matches!(url.scheme(), "https" | "http") {
            return Err("is not a Garmin address");
        }
        let mut service = url.clone();
        service.set_query(None);
        service.set_fragment(None);
        let service_url = service.as_str().trim_end_matches('/').to_owned();
        valid_ticket(&ticket).map(|ticket| super::Ticket { ticket, service_url })
    }
}

/// A ticket looks like `ST-0972904-maMLPBSRdODkj7WJmO8o-sso`.
fn valid_ticket(ticket: &str) -> Result<String, &'static str> {
    let ok = ticket.len() <= 256
        && ticket.starts_with("ST-")
        && ticket.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if ok { Ok(ticket.to_owned()) } else { Err("is not a Garmin service ticket") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widget_posts_to_batons_origin_and_tickets_are_for_the_embed_service() {
        let client = GarminClient::new(
            GarminConfig::garmin("https://baton.example.com".to_owned()).unwrap(),
        )
        .unwrap();
        let widget = Url::parse(&client.widget_url()).unwrap();
        let query: std::collections::HashMap<_, _> = widget.query_pairs().collect();
        assert_eq!(widget.path(), "/sso/signin");
        assert_eq!(query["source"], "https://baton.example.com");
        assert_eq!(query["service"], "https://sso.garmin.com/sso/embed");
        assert_eq!(query["gauthHost"], "https://sso.garmin.com/sso");
        assert_eq!(query["consumeServiceTicket"], "false");
    }

    #[test]
    fn tickets_are_read_alone_or_from_garmins_urls() {
        let client = GarminClient::new(
            GarminConfig::garmin("https://baton.example.com".to_owned()).unwrap(),
        )
        .unwrap();
        let alone = client.read_ticket(" ST-0972904-maMLPBSRdODkj7WJmO8o-sso ").unwrap();
        assert_eq!(alone.ticket, "ST-0972904-maMLPBSRdODkj7WJmO8o-sso");
        assert_eq!(alone.service_url, "https://sso.garmin.com/sso/embed");
        let pasted =
            client.read_ticket("https://connect.garmin.com/modern?ticket=ST-1-abc-cas").unwrap();
        assert_eq!(pasted.ticket, "ST-1-abc-cas");
        assert_eq!(pasted.service_url, "https://connect.garmin.com/modern");
        assert!(client.read_ticket("https://evil.example/?ticket=ST-1-a").is_err());
        assert!(client.read_ticket("https://garmin.com.evil.example/?ticket=ST-1-a").is_err());
        assert!(client.read_ticket("ST-<script>").is_err());
        assert!(client.read_ticket("https://sso.garmin.com/sso/embed").is_err());
    }
}
