//! Sending text messages through an SMS gateway (`YISHEN_SMS_URL`).
//!
//! [`SmsProvider`] is what the dispatcher sends through; [`SignedHttpGateway`] is the one
//! provider: a generic signed HTTP API in the style of the major Chinese SMS platforms (阿里云
//! 短信, 腾讯云短信): a message is a template id approved in advance, its parameters, the
//! approved signature (签名) and the number, sent as one JSON request signed with HMAC-SHA256
//! under an access key. A real platform's API is reached through a small adapter the agency
//! runs, or a gateway that speaks this form; the request is described in docs/notifications.md.
//!
//! The URL says everything: `https://KEY_ID:SECRET@sms.example.gov.cn/v1/send?sign=杭州市司法局`
//! (`http` for a gateway on the agency's own network). The key and secret never appear in a log
//! or an error; the number never leaves this module except in the request body.
//!
//! Signature: `X-Sms-Signature` is the base64 of HMAC-SHA256 over, each on its own line, the
//! method, the path, `X-Sms-Timestamp` (Unix seconds), `X-Sms-Nonce`, and the hex SHA-256 of
//! the body; `X-Sms-Key-Id` names the key. The gateway refuses a stale timestamp or a nonce
//! seen before, so a captured request cannot be replayed.

use std::collections::BTreeMap;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::settings::Settings;

/// One text message to send.
#[derive(Debug, Clone)]
pub struct SmsRequest<'a> {
    /// A mainland mobile number, 11 digits.
    pub phone: &'a str,
    /// The kind's code (`received`, …), turned into the gateway's template id.
    pub kind: &'a str,
    pub params: &'a BTreeMap<String, String>,
    /// The outbox's message id: the same on every try, so the gateway can drop a copy.
    pub out_id: &'a str,
}

/// Why a text message was not sent. The text names no number.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The gateway is unreachable, busy or failed: try again later.
    #[error("短信网关暂时不可用：{0}")]
    Transient(String),
    /// The gateway refused the message (template, signature, number): trying again fails too.
    #[error("短信网关拒绝：{0}")]
    Permanent(String),
}

/// What sends text messages.
pub trait SmsProvider: Send + Sync + std::fmt::Debug {
    /// Sends one message; answers the gateway's id for it.
    fn send<'a>(
        &'a self,
        request: SmsRequest<'a>,
    ) -> futures_util::future::BoxFuture<'a, Result<String, SmsError>>;

    /// The signature put in front of every message (for counting its length).
    fn sign_name(&self) -> &str;
}

/// The generic signed HTTP gateway.
pub struct SignedHttpGateway {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    key_id: String,
    secret: String,
    sign_name: String,
    templates: Vec<(String, String)>,
}

impl std::fmt::Debug for SignedHttpGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedHttpGateway")
            .field("host", &self.endpoint.host_str())
            .field("sign_name", &self.sign_name)
            .finish()
    }
}

/// The signature's default when the URL names none: the service's own name.
const DEFAULT_SIGN: &str = "政府信息公开";

impl SignedHttpGateway {
    /// The gateway the settings configure, or `None` without `YISHEN_SMS_URL`.
    pub fn from_settings(settings: &Settings) -> Result<Option<Self>, String> {
        let Some(url) = &settings.sms_url else {
            return Ok(None);
        };
        let mut endpoint =
            reqwest::Url::parse(url.expose()).map_err(|e| format!("YISHEN_SMS_URL: {e}"))?;
        if !matches!(endpoint.scheme(), "http" | "https") {
            return Err("YISHEN_SMS_URL: the scheme must be http or https".into());
        }
        let key_id = urlencoding_decode(endpoint.username());
        let secret = urlencoding_decode(endpoint.password().unwrap_or(""));
        if key_id.is_empty() || secret.is_empty() {
            return Err(
                "YISHEN_SMS_URL: the access key is missing (https://KEY_ID:SECRET@host/path)"
                    .into(),
            );
        }
        let sign_name = endpoint
            .query_pairs()
            .find(|(k, _)| k == "sign")
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_SIGN.to_owned());
        // The credentials and the signature go in headers and the body, not in the URL.
        let _ = endpoint.set_username("");
        let _ = endpoint.set_password(None);
        endpoint.set_query(None);
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| format!("SMS client: {e}"))?;
        Ok(Some(Self {
            client,
            endpoint,
            key_id,
            secret,
            sign_name,
            templates: settings.sms_templates.clone(),
        }))
    }

    fn template_id<'a>(&'a self, kind: &'a str) -> &'a str {
        self.templates
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(kind, |(_, id)| id.as_str())
    }

    async fn post(&self, request: SmsRequest<'_>) -> Result<String, SmsError> {
        let body = serde_json::json!({
            "phone": request.phone,
            "sign_name": self.sign_name,
            "template_id": self.template_id(request.kind),
            "template_params": request.params,
            "out_id": request.out_id,
        })
        .to_string();
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let signature = sign(
            &self.secret,
            "POST",
            self.endpoint.path(),
            &timestamp,
            &nonce,
            body.as_bytes(),
        );
        let response = self
            .client
            .post(self.endpoint.clone())
            .header("content-type", "application/json; charset=utf-8")
            .header("x-sms-key-id", &self.key_id)
            .header("x-sms-timestamp", &timestamp)
            .header("x-sms-nonce", &nonce)
            .header("x-sms-signature", signature)
            .body(body)
            .send()
            .await
            // reqwest's error may print the URL; ours has no credentials left in it.
            .map_err(|e| SmsError::Transient(e.without_url().to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| SmsError::Transient(e.without_url().to_string()))?;
        let reply: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let code = reply.get("code").and_then(|c| c.as_str()).unwrap_or("");
        let message = reply
            .get("message")
            .and_then(|c| c.as_str())
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        if status.is_success() && code.eq_ignore_ascii_case("ok") {
            return Ok(reply
                .get("message_id")
                .and_then(|c| c.as_str())
                .unwrap_or("")
                .to_owned());
        }
        let said = format!("HTTP {} {code} {message}", status.as_u16());
        if status.is_server_error()
            || status.as_u16() == 429
            || code.eq_ignore_ascii_case("throttled")
        {
            Err(SmsError::Transient(said))
        } else {
            Err(SmsError::Permanent(said))
        }
    }
}

impl SmsProvider for SignedHttpGateway {
    fn send<'a>(
        &'a self,
        request: SmsRequest<'a>,
    ) -> futures_util::future::BoxFuture<'a, Result<String, SmsError>> {
        Box::pin(self.post(request))
    }

    fn sign_name(&self) -> &str {
        &self.sign_name
    }
}

/// The request's signature (see the module doc).
pub fn sign(
    secret: &str,
    method: &str,
    path: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    let to_sign = format!(
        "{method}\n{path}\n{timestamp}\n{nonce}\n{}",
        hex::encode(Sha256::digest(body))
    );
    // HMAC takes a key of any length.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Percent-decoding of the URL's user and password (a secret may hold `/` or `+`).
fn urlencoding_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Whether a stored phone number can receive a text message: a mainland mobile, 11 digits
/// from 1 (the normal form of `domain::account::Phone`; a fixed line has its area code).
pub fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_method_path_time_nonce_and_body() {
        let a = sign("s3cret", "POST", "/v1/send", "1700000000", "n1", b"{}");
        assert_eq!(
            a,
            sign("s3cret", "POST", "/v1/send", "1700000000", "n1", b"{}")
        );
        for other in [
            sign("other", "POST", "/v1/send", "1700000000", "n1", b"{}"),
            sign("s3cret", "POST", "/v2/send", "1700000000", "n1", b"{}"),
            sign("s3cret", "POST", "/v1/send", "1700000001", "n1", b"{}"),
            sign("s3cret", "POST", "/v1/send", "1700000000", "n2", b"{}"),
            sign("s3cret", "POST", "/v1/send", "1700000000", "n1", b"{ }"),
        ] {
            assert_ne!(a, other);
        }
    }

    #[test]
    fn the_url_gives_key_secret_and_signature_and_keeps_them_out_of_the_endpoint() {
        let mut s = Settings {
            sms_url: Some(crate::settings::Secret::new(
                "https://AK1:se%2Fcret@sms.example.gov.cn/v1/send?sign=%E6%9D%AD%E5%B7%9E%E5%B8%82%E5%8F%B8%E6%B3%95%E5%B1%80",
            )),
            ..Settings::default()
        };
        let g = SignedHttpGateway::from_settings(&s)
            .expect("ok")
            .expect("configured");
        assert_eq!((g.key_id.as_str(), g.secret.as_str()), ("AK1", "se/cret"));
        assert_eq!(g.sign_name(), "杭州市司法局");
        assert_eq!(g.endpoint.as_str(), "https://sms.example.gov.cn/v1/send");
        assert!(!format!("{g:?}").contains("cret"));
        s.sms_url = Some(crate::settings::Secret::new(
            "https://sms.example.gov.cn/v1/send",
        ));
        assert!(SignedHttpGateway::from_settings(&s).is_err());
    }

    #[test]
    fn only_mobiles_get_text_messages() {
        assert!(is_mobile("13800138000"));
        assert!(!is_mobile("0571-87654321"));
        assert!(!is_mobile("1380013800"));
    }
}
