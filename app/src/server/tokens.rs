//! Session tokens: HS256 JWTs that name a server-side session row.
use secrecy::{ExposeSecret, SecretSlice};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// Who issues tokens, and for what; both are checked on every token.
pub const ISSUER: &str = "tracker";
pub const AUDIENCE: &str = "tracker-session";

/// What a token says: whose it is and which session row vouches for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session row's id.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signs a token for `session_id` of `user_id`, valid until `expires_at` (seconds since the epoch).
pub fn issue(secret: &SecretSlice<u8>, user_id: i64, session_id: &str, issued_at: i64, expires_at: i64) -> String {
    let claims = Claims {
        sub: user_id.to_string(),
        sid: session_id.to_owned(),
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
        iat: issued_at,
        exp: expires_at,
    };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.expose_secret())).expect("HS256 signing cannot fail")
}

/// The claims of a token signed with `secret` by HS256, for this issuer and audience, not expired.
/// Anything else (`alg: none`, another algorithm or key, a bad claim) is `None`.
pub fn verify(secret: &SecretSlice<u8>, token: &str) -> Option<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 0;
    decode::<Claims>(token, &DecodingKey::from_secret(secret.expose_secret()), &validation).ok().map(|data| data.claims)
}

#[derive(Serialize, Deserialize)]
struct SealedClaims<T> {
    iss: String,
    aud: String,
    exp: i64,
    data: T,
}

/// Signs `value` for `audience`, valid for `ttl_secs`: a tamper-proof value a client can carry.
pub fn seal<T: Serialize>(secret: &SecretSlice<u8>, audience: &str, value: &T, ttl_secs: i64) -> String {
    let claims = SealedClaims {
        iss: ISSUER.to_owned(),
        aud: audience.to_owned(),
        exp: chrono::Utc::now().timestamp() + ttl_secs,
        data: value,
    };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.expose_secret())).expect("HS256 signing cannot fail")
}

/// The value sealed by [`seal`] for `audience`, if the seal is intact and not expired.
pub fn open<T: serde::de::DeserializeOwned>(secret: &SecretSlice<u8>, audience: &str, sealed: &str) -> Option<T> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.leeway = 0;
    decode::<SealedClaims<T>>(sealed, &DecodingKey::from_secret(secret.expose_secret()), &validation).ok().map(|data| data.claims.data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn key() -> SecretSlice<u8> {
        KEY.to_vec().into()
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let token = issue(&key(), 7, "s1", now(), now() + 60);
        assert_eq!(verify(&key(), &token).map(|c| (c.sub, c.sid)), Some(("7".into(), "s1".into())));
        assert_eq!(verify(&b"another-key-another-key-another-k".to_vec().into(), &token), None);
    }

    #[test]
    fn an_expired_token_is_refused() {
        let token = issue(&key(), 7, "s1", now() - 120, now() - 60);
        assert_eq!(verify(&key(), &token), None);
    }

    #[test]
    fn alg_none_and_other_algorithms_are_refused() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = b64.encode(format!(
            r#"{{"sub":"7","sid":"s1","iss":"{ISSUER}","aud":"{AUDIENCE}","iat":{},"exp":{}}}"#,
            now(),
            now() + 60
        ));
        let none = format!("{}.{payload}.", b64.encode(r#"{"alg":"none","typ":"JWT"}"#));
        assert_eq!(verify(&key(), &none), None);
        let hs512 = encode(&Header::new(Algorithm::HS512), &verify_shape(), &EncodingKey::from_secret(KEY)).unwrap();
        assert_eq!(verify(&key(), &hs512), None);
    }

    #[test]
    fn a_token_for_another_audience_or_issuer_is_refused() {
        let mut claims = verify_shape();
        claims.aud = "somebody-else".into();
        let token = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(KEY)).unwrap();
        assert_eq!(verify(&key(), &token), None);
        let mut claims = verify_shape();
        claims.iss = "evil".into();
        let token = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(KEY)).unwrap();
        assert_eq!(verify(&key(), &token), None);
    }

    fn verify_shape() -> Claims {
        Claims { sub: "7".into(), sid: "s1".into(), iss: ISSUER.into(), aud: AUDIENCE.into(), iat: now(), exp: now() + 60 }
    }

    /// A change to a token: one bit flipped, the end cut off, or something added.
    #[derive(Debug, Clone)]
    enum Mutation {
        Flip { at: prop::sample::Index, bit: u8 },
        Truncate(prop::sample::Index),
        Append(String),
    }

    fn mutations() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<prop::sample::Index>(), 0..8u8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
            any::<prop::sample::Index>().prop_map(Mutation::Truncate),
            prop_oneof![Just("=".to_owned()), Just(".".to_owned()), "[A-Za-z0-9_=.-]{1,8}", ".{1,4}"].prop_map(Mutation::Append),
        ]
    }

    /// `token` changed by `mutation`; always different from it.
    fn mutated(token: &str, mutation: &Mutation) -> String {
        match mutation {
            Mutation::Flip { at, bit } => {
                let mut bytes = token.as_bytes().to_vec();
                let at = at.index(bytes.len());
                bytes[at] ^= 1 << bit;
                String::from_utf8_lossy(&bytes).into_owned()
            }
            Mutation::Truncate(at) => token[..at.index(token.len())].to_owned(),
            Mutation::Append(tail) => format!("{token}{tail}"),
        }
    }

    /// Strings shaped like tokens: three dot-separated base64url parts whose header names any
    /// algorithm (or none), whose claims would pass, and whose signature is anything at all.
    fn forged_tokens() -> impl Strategy<Value = String> {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = prop::sample::select(vec![
            r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"alg":"none","typ":"JWT"}"#, r#"{"alg":"NONE"}"#, r#"{"alg":"HS512"}"#, r#"{"alg":"RS256"}"#,
            r#"{"alg":"HS256","kid":"../../dev/null"}"#, r#"{"alg":"HS256","crit":["x"]}"#, "{}", "",
        ]);
        let payload = prop_oneof![
            Just(serde_json::to_string(&verify_shape()).unwrap()),
            Just(format!(r#"{{"iss":"{ISSUER}","aud":"a","exp":{},"data":1}}"#, now() + 60)),
            any::<String>(),
        ];
        let signature = prop_oneof![Just(Vec::new()), prop::collection::vec(any::<u8>(), 32), prop::collection::vec(any::<u8>(), 0..80)];
        (header, payload, signature).prop_map(move |(header, payload, signature)| {
            format!("{}.{}.{}", b64.encode(header), b64.encode(payload), b64.encode(signature))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn no_arbitrary_or_forged_string_is_a_token(token in prop_oneof![any::<String>(), ".*\\..*\\..*", forged_tokens()]) {
            prop_assert_eq!(verify(&key(), &token), None, "{:?}", token);
            prop_assert_eq!(open::<serde_json::Value>(&key(), "a", &token), None, "{:?}", token);
        }

        #[test]
        fn a_changed_token_or_seal_never_passes(mutation in mutations()) {
            let token = issue(&key(), 7, "s1", now(), now() + 3600);
            let changed = mutated(&token, &mutation);
            prop_assert_eq!(verify(&key(), &changed), None, "{:?} of {:?}", mutation, token);
            let sealed = seal(&key(), "a", &"state", 3600);
            let changed = mutated(&sealed, &mutation);
            prop_assert_eq!(open::<String>(&key(), "a", &changed), None, "{:?} of {:?}", mutation, sealed);
        }
    }
}
