//! Sending e-mail through the configured SMTP server (`YISHEN_SMTP_URL`), with `lettre`.
//!
//! The URL says how: `smtp://host:port` in the clear (a relay on the agency's own network),
//! `smtp://user:pass@host:port?tls=required` with STARTTLS, `smtps://user:pass@host:port` over
//! TLS (rustls, the system's trusted roots, so an agency's own CA works). Each message goes as
//! plain text and the same text as HTML, with the Message-ID the outbox gave it: a copy sent
//! again after a lost acknowledgement carries the same id.
//!
//! Connections are pooled ([`CONNECTIONS`]). lettre writes a message's end (`.`) apart from
//! its body and sets no `TCP_NODELAY`, so each message waits for the server's delayed
//! acknowledgement (about 40 ms on Linux): one connection carries some 20–25 messages a second
//! whatever the server's speed, and the dispatcher's rate comes from sending on several at once.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncTransport, Message, Tokio1Executor};

use crate::settings::Settings;

/// Connections kept open to the mail server, and messages sent at once over them.
pub const CONNECTIONS: usize = 16;

/// The agency a message speaks for.
#[derive(Debug, Clone)]
pub struct OnBehalf {
    pub agency_name: String,
    /// Its mailbox for answers (agency setting `reply_to`).
    pub reply_to: Option<String>,
}

/// The mail server and the sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: only the sender is shown.
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

/// Why a mail could not be sent. The text names no address.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The server is unreachable or answered a temporary failure: try again later.
    #[error("邮件服务器暂时不可用：{0}")]
    Transient(String),
    /// The server refused the message or the address for good.
    #[error("邮件服务器拒绝：{0}")]
    Permanent(String),
    /// The address cannot be written in a message.
    #[error("收件地址格式不正确")]
    BadAddress,
}

impl Mailer {
    /// The mailer the settings configure, or `None` without `YISHEN_SMTP_URL`.
    pub fn from_settings(settings: &Settings) -> Result<Option<Self>, String> {
        let Some(url) = &settings.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| format!("YISHEN_SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(CONNECTIONS as u32))
            .build();
        let from = settings
            .mail_from
            .as_deref()
            .unwrap_or("yishen <noreply@localhost>")
            .parse::<Mailbox>()
            .map_err(|e| format!("YISHEN_MAIL_FROM: {e}"))?;
        Ok(Some(Self { transport, from }))
    }

    /// Sends one message; answers the server's reply to it. `on_behalf` names the agency the
    /// message speaks for, and its own mailbox for answers: the message goes from the service's
    /// address (the one its mail domain vouches for) under the agency's name, Reply-To the
    /// agency's mailbox.
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        message_id: &str,
        on_behalf: Option<&OnBehalf>,
    ) -> Result<String, MailError> {
        let to: Mailbox = to.trim().parse().map_err(|_| MailError::BadAddress)?;
        let from = match on_behalf {
            Some(a) => Mailbox::new(Some(a.agency_name.clone()), self.from.email.clone()),
            None => self.from.clone(),
        };
        let reply_to = on_behalf
            .and_then(|a| a.reply_to.as_deref())
            .and_then(|r| r.parse::<lettre::Address>().ok())
            .map(|addr| Mailbox::new(on_behalf.map(|a| a.agency_name.clone()), addr))
            .unwrap_or_else(|| from.clone());
        let message = Message::builder()
            .from(from)
            .reply_to(reply_to)
            .to(to)
            .subject(subject)
            .message_id(Some(message_id.to_owned()))
            .multipart(MultiPart::alternative_plain_html(
                text.to_owned(),
                html_of(text),
            ))
            .map_err(|e| MailError::Permanent(e.to_string()))?;
        match self.transport.send(message).await {
            Ok(response) => Ok(response.message().collect::<Vec<_>>().join(" ")),
            Err(e) if e.is_permanent() => Err(MailError::Permanent(e.to_string())),
            Err(e) => Err(MailError::Transient(e.to_string())),
        }
    }
}

/// The text as simple HTML: each line a paragraph, escaped, a link made clickable.
fn html_of(text: &str) -> String {
    let mut out = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body style=\"font-family: sans-serif; line-height: 1.7\">",
    );
    for line in text.lines() {
        let escaped = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        let linked = match escaped.find("http") {
            Some(i) => {
                let (before, url) = escaped.split_at(i);
                format!("{before}<a href=\"{url}\">{url}</a>")
            }
            None => escaped,
        };
        if linked.is_empty() {
            continue;
        }
        out.push_str("<p>");
        out.push_str(&linked);
        out.push_str("</p>");
    }
    out.push_str("</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_and_links() {
        let h = html_of("张三：\n\n查看：http://x.example/my/cases/1?a=1&b=2\n<b>");
        assert!(h.contains("<p>张三：</p>"));
        assert!(h.contains("<a href=\"http://x.example/my/cases/1?a=1&amp;b=2\">"));
        assert!(h.contains("&lt;b&gt;"));
    }
}
