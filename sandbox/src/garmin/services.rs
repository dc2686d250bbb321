//! The CAS services a ticket may be issued for, and which SSO client id
//! logs in to which (GARMIN.md §1, §2.3, §2.4.1). Only Garmin-owned service
//! URLs are accepted; the stand-in's own `{base}/sso/embed` counts as one,
//! since it plays `https://sso.garmin.com`.

/// Which JSON login a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// `/mobile/api/…`: the Garmin Connect app's login.
    Mobile,
    /// `/portal/api/…`: the web portal's login.
    Portal,
}

const DOMAINS: [&str; 2] = ["garmin.com", "garmin.cn"];

/// Whether `client_id` may log in to `service` on this flavour's endpoint.
pub(crate) fn client_logs_in_to(flavour: Flavour, client_id: &str, service: &str) -> bool {
    DOMAINS.iter().any(|domain| match (flavour, client_id) {
        (Flavour::Mobile, "GCM_ANDROID_DARK") => {
            service == format!("https://mobile.integration.{domain}/gcm/android")
        }
        (Flavour::Mobile, "GCM_IOS_DARK") => {
            service == format!("https://mobile.integration.{domain}/gcm/ios")
        }
        (Flavour::Portal, "GarminConnect") => {
            service == format!("https://connect.{domain}/app")
                || service == format!("https://connect.{domain}/modern")
        }
        _ => false,
    })
}

/// Whether `service` is a Garmin-owned service URL a ticket can be issued for.
pub(crate) fn is_garmin_service(base_url: &str, service: &str) -> bool {
    service == format!("{base_url}/sso/embed")
        || DOMAINS.iter().any(|domain| {
            [
                format!("https://sso.{domain}/sso/embed"),
                format!("https://connect.{domain}/app"),
                format!("https://connect.{domain}/modern"),
                format!("https://mobile.integration.{domain}/gcm/android"),
                format!("https://mobile.integration.{domain}/gcm/ios"),
            ]
            .contains(&service.to_owned())
        })
}

/// The DI OAuth client ids the token endpoint knows (GARMIN.md §2.4.2).
pub(crate) const DI_CLIENT_IDS: [&str; 4] = [
    "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2",
    "GARMIN_CONNECT_MOBILE_ANDROID_DI_2024Q4",
    "GARMIN_CONNECT_MOBILE_ANDROID_DI",
    "GARMIN_CONNECT_MOBILE_IOS_DI",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mobile_client_id_has_its_own_service() {
        let ios = "https://mobile.integration.garmin.com/gcm/ios";
        assert!(client_logs_in_to(Flavour::Mobile, "GCM_IOS_DARK", ios));
        assert!(!client_logs_in_to(Flavour::Mobile, "GCM_ANDROID_DARK", ios));
        assert!(!client_logs_in_to(Flavour::Portal, "GCM_IOS_DARK", ios));
        assert!(client_logs_in_to(
            Flavour::Portal,
            "GarminConnect",
            "https://connect.garmin.com/app"
        ));
    }

    #[test]
    fn only_garmin_services_get_tickets() {
        let base = "http://127.0.0.1:9091";
        assert!(is_garmin_service(base, "http://127.0.0.1:9091/sso/embed"));
        assert!(is_garmin_service(base, "https://sso.garmin.com/sso/embed"));
        assert!(!is_garmin_service(base, "https://evil.example/sso/embed"));
        assert!(!is_garmin_service(base, "http://127.0.0.1:9091/sso/embed/"));
    }
}
