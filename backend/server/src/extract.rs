//! Body and query extractors that turn every decoding failure into a problem naming the field.
//!
//! actix's own `Json` reports serde's English message without a field path; these read the
//! body (capped at the configured limit), insist on a JSON content type and decode through
//! `serde_path_to_error`, so the problem body can say which field was missing, unknown or of
//! the wrong type. Request types use `#[serde(deny_unknown_fields)]`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use yishen_app::json::{decode_json, describe};

use crate::error::ApiError;

/// Body limit, set as app data by the application.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON body decoded into `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map(|l| l.0)
            .unwrap_or(1024 * 1024);
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let has_type = req.headers().contains_key(header::CONTENT_TYPE);
        let mut payload = payload.take();
        Box::pin(async move {
            // A bodiless POST (`withdraw`, `submit`) reads as `{}`: its fields are optional
            // or reported missing by name.
            if !has_type && declared.is_none_or(|n| n == 0) {
                let mut any = false;
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk.map_err(|e| ApiError::MalformedJson(e.to_string()))?;
                    if !chunk.is_empty() {
                        any = true;
                        break;
                    }
                }
                if !any {
                    return decode_json(b"{}").map(ApiJson).map_err(ApiError::from);
                }
                return Err(ApiError::UnsupportedMediaType);
            }
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| ApiError::MalformedJson(e.to_string()))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            decode_json(&body).map(ApiJson).map_err(ApiError::from)
        })
    }
}

/// A query string decoded into `T`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pairs = form_urlencoded_pairs(req.query_string());
        let de = serde_urlencoded::Deserializer::new(pairs);
        let result = serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
            let path = e.path().to_string();
            ApiError::InvalidQuery(vec![describe(&path, &e.into_inner().to_string())])
        });
        std::future::ready(result.map(ApiQuery))
    }
}

fn form_urlencoded_pairs(q: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(q.as_bytes())
}

pub use yishen_app::error::{Fields, IntoIssue};

/// A value that `Fields::finish` vouched for.
pub fn parsed<T>(v: Option<T>) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("field parsed without error but missing")))
}

/// For `Option<Option<T>>` fields: absent → `None` (leave as is), `null` → `Some(None)`
/// (clear), a value → `Some(Some(v))`. Use with `#[serde(default)]`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// The client's address as the limits count it: the connection's peer, or, when that peer is
/// one of `YISHEN_TRUSTED_PROXIES`, the nearest address in `X-Forwarded-For` that is not
/// itself a trusted proxy (the header's earlier entries are the client's to write, so they are
/// not believed).
pub fn client_ip(req: &HttpRequest, trusted: &[ipnet::IpNet]) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr()?.ip();
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .iter()
            .rev()
            .find(|ip| !is_trusted(ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer),
    )
}

/// The client's address ([`client_ip`]) for a handler.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequest for ClientAddr {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted = req
            .app_data::<web::Data<yishen_app::Ctx>>()
            .map(|s| s.settings.trusted_proxies.clone())
            .unwrap_or_default();
        std::future::ready(Ok(Self(client_ip(req, &trusted))))
    }
}

/// A JSON body whose decoding problems are held back: the handler asks whether the caller may
/// act at all first (404 or 403 whatever the body says), and only then reports what is wrong
/// with the body (415, 413, 400, 422).
#[derive(Debug)]
pub struct LaterJson<T>(pub Result<T, ApiError>);

impl<T: DeserializeOwned + 'static> FromRequest for LaterJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let inner = ApiJson::<T>::from_request(req, payload);
        Box::pin(async move { Ok(LaterJson(inner.await.map(|j| j.0))) })
    }
}
