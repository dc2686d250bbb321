//! The authentication layer: for every request, turns the bearer token (if
//! any) into a [`Caller`] and records where the request came from. It never
//! rejects: public RPCs ignore the caller, and every other handler asks for
//! it with [`caller`], which is the one place a missing or bad token becomes
//! UNAUTHENTICATED.

use std::{net::IpAddr, sync::Arc};

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::HeaderMap;
use ipnet::IpNet;
use tonic::transport::server::TcpConnectInfo;

use crate::{
    domain::ClientInfo,
    error::Error,
    service::{AuthService, Caller},
};

/// The longest user agent kept; browsers send far less.
const MAX_USER_AGENT: usize = 512;

/// What the layer found in the request.
#[derive(Debug, Clone)]
enum Authentication {
    Anonymous,
    Invalid,
    Authenticated(Caller),
}

/// State of the authentication layer; cloned for every request, so cheap
/// to clone.
#[derive(Clone)]
pub struct Authenticator(Arc<Inner>);

struct Inner {
    auth: AuthService,
    trusted_proxies: Vec<IpNet>,
}

impl Authenticator {
    pub fn new(auth: AuthService, trusted_proxies: Vec<IpNet>) -> Self {
        Self(Arc::new(Inner { auth, trusted_proxies }))
    }
}

/// axum middleware: see the module docs.
pub async fn authenticate(
    State(state): State<Authenticator>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<TcpConnectInfo>()
        .and_then(TcpConnectInfo::remote_addr)
        .map(|addr| addr.ip());
    let headers = request.headers();
    let client = ClientInfo {
        address: client_address(peer, headers, &state.0.trusted_proxies),
        user_agent: headers
            .get(http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|agent| agent.chars().take(MAX_USER_AGENT).collect()),
    };
    let authentication = match bearer_token(headers) {
        None => Authentication::Anonymous,
        Some(token) => match state.0.auth.authenticate(token) {
            Ok(caller) => Authentication::Authenticated(caller),
            Err(_) => Authentication::Invalid,
        },
    };
    request.extensions_mut().insert(client);
    request.extensions_mut().insert(authentication);
    next.run(request).await
}

/// The signed-in caller, or UNAUTHENTICATED.
pub fn caller<T>(request: &tonic::Request<T>) -> Result<Caller, Error> {
    match request.extensions().get::<Authentication>() {
        Some(Authentication::Authenticated(caller)) => Ok(caller.clone()),
        Some(Authentication::Anonymous | Authentication::Invalid) | None => {
            Err(Error::Unauthenticated)
        }
    }
}

/// The caller when a token was sent: RPCs that are public but act on a
/// signed-in user when there is one. A bad token is still UNAUTHENTICATED.
pub fn optional_caller<T>(request: &tonic::Request<T>) -> Result<Option<Caller>, Error> {
    match request.extensions().get::<Authentication>() {
        Some(Authentication::Authenticated(caller)) => Ok(Some(caller.clone())),
        Some(Authentication::Anonymous) | None => Ok(None),
        Some(Authentication::Invalid) => Err(Error::Unauthenticated),
    }
}

/// Where the request came from.
pub fn client_info<T>(request: &tonic::Request<T>) -> ClientInfo {
    request.extensions().get::<ClientInfo>().cloned().unwrap_or_default()
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// The socket peer, unless that peer is a trusted proxy: then the nearest
/// untrusted address in `X-Forwarded-For`, read from the right, because
/// everything left of our own proxies is client-supplied and forgeable.
/// IPv4-mapped IPv6 addresses (a dual-stack socket's view of IPv4 peers)
/// are read as the IPv4 address, so proxies and limits match either form.
fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
        .collect();
    Some(forwarded.into_iter().rev().find(|ip| !is_trusted(ip)).unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn bearer_token_needs_the_bearer_scheme() {
        assert_eq!(bearer_token(&headers(&[("authorization", "Bearer abc")])), Some("abc"));
        assert_eq!(bearer_token(&headers(&[("authorization", "bearer abc")])), Some("abc"));
        assert_eq!(bearer_token(&headers(&[("authorization", "Basic abc")])), None);
        assert_eq!(bearer_token(&headers(&[("authorization", "Bearer ")])), None);
        assert_eq!(bearer_token(&headers(&[])), None);
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        let forged = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(client_address(Some(peer), &forged, &[]), Some(peer));
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let proxies: IpNet = "10.0.0.0/24".parse().unwrap();
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.0.0.3")]);
        assert_eq!(
            client_address(Some(proxy), &chain, &[proxies]),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(client_address(Some(proxy), &headers(&[]), &[proxies]), Some(proxy));
    }

    #[test]
    fn a_mapped_ipv4_peer_matches_an_ipv4_trusted_proxy() {
        let mapped: IpAddr = "::ffff:10.0.0.2".parse().unwrap();
        let proxies: IpNet = "10.0.0.0/24".parse().unwrap();
        let chain = headers(&[("x-forwarded-for", "::ffff:198.51.100.7")]);
        assert_eq!(
            client_address(Some(mapped), &chain, &[proxies]),
            Some("198.51.100.7".parse().unwrap())
        );
        let direct = client_address(Some(mapped), &headers(&[]), &[]);
        assert_eq!(direct, Some("10.0.0.2".parse().unwrap()));
    }
}
