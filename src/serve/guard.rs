//! Who may talk to `lab serve`: the student's own browser, and no other site open in it.
//!
//! The server prints a URL with a random token, valid while it runs (as Jupyter does). The page
//! exchanges it at once for a session cookie (HttpOnly, SameSite=Strict), so the token leaves the
//! address bar and no script can read the session. Every request must carry that cookie and name
//! the server itself in Host (a DNS-rebinding page names its own host) and, when it sends one, in
//! Origin (another site's fetch or form says where it comes from). Secrets are compared in
//! constant time.

use std::fmt::Write as _;

use subtle::ConstantTimeEq;

pub const COOKIE: &str = "lab_session";

/// The headers every response carries: nothing from elsewhere may load or frame the page, and
/// no address the page links to learns where the student came from.
pub const HEADERS: &[(&str, &str)] = &[
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
];

/// What a request may do.
#[derive(Debug, PartialEq, Eq)]
pub enum Access {
    /// It carries the session cookie.
    Allowed,
    /// It carries the URL's token: set the cookie, and send the browser to the same page
    /// without the token.
    Exchange {
        location: String,
    },
    Denied(Denied),
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Denied {
    /// Host names another server (DNS rebinding) or none.
    Host,
    /// Origin names another site.
    Origin,
    /// Neither the cookie nor the token.
    NoSession,
}

/// What of a request the guard reads.
#[derive(Debug, Default)]
pub struct Request<'a> {
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub host: Option<&'a str>,
    pub origin: Option<&'a str>,
    /// The whole Cookie header.
    pub cookie: Option<&'a str>,
}

pub struct Guard {
    port: u16,
    token: String,
    session: String,
}

/// 32 random bytes as hex, from the operating system's generator.
fn secret() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut s = String::with_capacity(64);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    Ok(s)
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Guard {
    pub fn new(port: u16) -> std::io::Result<Guard> {
        Ok(Guard {
            port,
            token: secret()?,
            session: secret()?,
        })
    }

    /// The address to open, token included: printed once, never logged elsewhere.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}?token={}", self.port, self.token)
    }

    /// The Set-Cookie value of an exchange.
    pub fn set_cookie(&self) -> String {
        format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            self.session
        )
    }

    fn ours(&self, host: &str) -> bool {
        let port = self.port.to_string();
        ["127.0.0.1", "localhost"]
            .iter()
            .any(|h| host.strip_prefix(h).and_then(|r| r.strip_prefix(':')) == Some(&port))
    }

    pub fn judge(&self, r: &Request) -> Access {
        if !r.host.is_some_and(|h| self.ours(h)) {
            return Access::Denied(Denied::Host);
        }
        if let Some(o) = r.origin
            && !o.strip_prefix("http://").is_some_and(|h| self.ours(h))
        {
            return Access::Denied(Denied::Origin);
        }
        let has_session = r.cookie.is_some_and(|c| {
            c.split(';').any(|kv| {
                kv.trim()
                    .strip_prefix(COOKIE)
                    .and_then(|v| v.strip_prefix('='))
                    .is_some_and(|v| same(v, &self.session))
            })
        });
        if has_session {
            return Access::Allowed;
        }
        let token = r.query.is_some_and(|q| {
            q.split('&').any(|kv| {
                kv.strip_prefix("token=")
                    .is_some_and(|t| same(t, &self.token))
            })
        });
        if token {
            return Access::Exchange {
                location: r.path.to_string(),
            };
        }
        Access::Denied(Denied::NoSession)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard::new(8123).unwrap()
    }

    fn get<'a>(query: Option<&'a str>, cookie: Option<&'a str>) -> Request<'a> {
        Request {
            path: "/",
            query,
            host: Some("127.0.0.1:8123"),
            origin: None,
            cookie,
        }
    }

    #[test]
    fn the_token_is_exchanged_for_a_cookie_that_then_admits() {
        let g = guard();
        let url = g.url("/");
        let query = url.split_once('?').unwrap().1;
        assert_eq!(
            g.judge(&get(Some(query), None)),
            Access::Exchange {
                location: "/".into()
            }
        );
        let set = g.set_cookie();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
        let cookie = set.split(';').next().unwrap();
        let header = format!("theme=dark; {cookie}");
        assert_eq!(g.judge(&get(None, Some(&header))), Access::Allowed);
    }

    #[test]
    fn no_secret_a_wrong_one_or_another_servers_is_refused() {
        let g = guard();
        let other = guard();
        let no = Access::Denied(Denied::NoSession);
        assert_eq!(g.judge(&get(None, None)), no);
        assert_eq!(g.judge(&get(Some("token=abc"), None)), no);
        let theirs = other.url("/");
        assert_eq!(
            g.judge(&get(Some(theirs.split_once('?').unwrap().1), None)),
            no
        );
        let theirs = other.set_cookie();
        assert_eq!(
            g.judge(&get(None, Some(theirs.split(';').next().unwrap()))),
            no
        );
        assert_eq!(g.judge(&get(None, Some("lab_session="))), no);
        assert_ne!(g.url("/"), other.url("/"), "tokens are random");
    }

    #[test]
    fn another_host_or_origin_is_refused_even_with_the_cookie() {
        let g = guard();
        let set = g.set_cookie();
        let cookie = set.split(';').next().unwrap();
        let with = |host: Option<&'static str>, origin: Option<&'static str>| {
            g.judge(&Request {
                path: "/",
                query: None,
                host,
                origin,
                cookie: Some(cookie),
            })
        };
        assert_eq!(with(Some("localhost:8123"), None), Access::Allowed);
        assert_eq!(
            with(Some("localhost:8123"), Some("http://127.0.0.1:8123")),
            Access::Allowed
        );
        for host in [
            None,
            Some("evil.example:8123"),
            Some("127.0.0.1:8124"),
            Some("127.0.0.1"),
        ] {
            assert_eq!(with(host, None), Access::Denied(Denied::Host), "{host:?}");
        }
        for origin in [
            "http://evil.example",
            "https://127.0.0.1:8123",
            "http://127.0.0.1:8123.evil.example",
            "null",
        ] {
            assert_eq!(
                with(Some("127.0.0.1:8123"), Some(origin)),
                Access::Denied(Denied::Origin),
                "{origin}"
            );
        }
    }
}
