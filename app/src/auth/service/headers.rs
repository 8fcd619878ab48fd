//! What a request's headers say about its caller (address, user agent, credential), and the
//! cookies the server sets. Cookies are parsed and written by the `cookie` crate.
use super::sessions::ABSOLUTE_LIFETIME;
use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, SameSite};

/// Where a request came from, kept on its session so the user can recognise it.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Where a request came from: the peer address, or the last `X-Forwarded-For` hop when the
/// deployment says a proxy writes it; and the user agent.
pub fn client_info_from(headers: &HeaderMap, peer: Option<std::net::IpAddr>, trust_forwarded_for: bool) -> ClientInfo {
    let forwarded = trust_forwarded_for
        .then(|| headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        // The proxy appends the address it saw; earlier entries are the client's own claims.
        .and_then(|v| v.rsplit(',').next())
        .and_then(|ip| ip.trim().parse::<std::net::IpAddr>().ok());
    ClientInfo {
        ip: forwarded.or(peer).map(|ip| ip.to_string()),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

/// The token carried by a request: `Authorization: Bearer …` first, else the session cookie.
pub fn token_from_headers(headers: &HeaderMap, cookie_name: &str) -> Option<String> {
    if let Some(bearer) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) {
        return Some(bearer.trim().to_owned());
    }
    cookie_value(headers, cookie_name)
}

/// The value of the cookie `name` in a request's `Cookie` headers, without surrounding quotes.
/// When the name appears more than once the first wins, as browsers list the most specific first.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value_trimmed().to_owned())
}

/// A `Set-Cookie` value that scripts cannot read: HttpOnly, SameSite=Lax, limited to `path`,
/// living `max_age_seconds` (0 clears it), and Secure when the site is served over HTTPS.
pub fn http_only_cookie(name: &str, value: &str, path: &str, max_age_seconds: i64, secure: bool) -> String {
    Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(::time::Duration::seconds(max_age_seconds))
        .secure(secure)
        .build()
        .to_string()
}

/// The `Set-Cookie` value for a session token (or, with `None`, one that clears it):
/// HttpOnly, SameSite=Lax, and Secure with the `__Host-` prefix over HTTPS.
pub fn session_cookie(settings: &crate::server::Settings, token: Option<&str>) -> String {
    let max_age = if token.is_some() { ABSOLUTE_LIFETIME.num_seconds() } else { 0 };
    http_only_cookie(settings.cookie_name(), token.unwrap_or(""), "/", max_age, settings.secure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_cookies(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(header::COOKIE, HeaderValue::from_str(line).unwrap());
        }
        headers
    }

    #[test]
    fn an_odd_cookie_header_still_yields_each_value() {
        let headers = with_cookies(&[
            "theme=dark;tracker_session=first ;  lang=en; tracker_session=second; quoted=\"a b\";;junk",
            "late=1",
        ]);
        assert_eq!(cookie_value(&headers, "tracker_session").as_deref(), Some("first"), "the first of a duplicate name wins");
        assert_eq!(cookie_value(&headers, "lang").as_deref(), Some("en"));
        assert_eq!(cookie_value(&headers, "quoted").as_deref(), Some("a b"), "surrounding quotes are not part of the value");
        assert_eq!(cookie_value(&headers, "late").as_deref(), Some("1"), "a second Cookie header is read too");
        assert_eq!(cookie_value(&headers, "missing"), None);
        assert_eq!(cookie_value(&headers, "tracker"), None, "a name must match whole");
    }

    #[test]
    fn a_bearer_token_wins_over_the_cookie() {
        let mut headers = with_cookies(&["tracker_session=from-cookie"]);
        assert_eq!(token_from_headers(&headers, "tracker_session").as_deref(), Some("from-cookie"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer  trk_abc "));
        assert_eq!(token_from_headers(&headers, "tracker_session").as_deref(), Some("trk_abc"));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_only_over_https() {
        let plain = http_only_cookie("tracker_session", "tok", "/", 60, false);
        assert_eq!(plain, "tracker_session=tok; HttpOnly; SameSite=Lax; Path=/; Max-Age=60");
        let cleared = http_only_cookie("tracker_oidc", "", "/auth/oidc", 0, true);
        assert_eq!(cleared, "tracker_oidc=; HttpOnly; SameSite=Lax; Secure; Path=/auth/oidc; Max-Age=0");
    }
}
