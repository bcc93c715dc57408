//! The application layer of yishen: what every entry point (the HTTP API, the pages, the
//! command line, the background jobs) asks for, and the only layer that both reads the store
//! and asks the domain.
//!
//! A service takes the context ([`Ctx`]), the acting user ([`auth::Actor`]) and a typed command;
//! it loads what it needs through `yishen-store`, asks `yishen-domain` for every legal decision
//! or refusal, persists what the domain returns in one transaction, and answers a view. Errors
//! are [`AppError`]: what went wrong, never how to say it over HTTP; the server maps it once.
//!
//! This crate knows nothing of actix or of the OpenAPI document (`cargo tree -p yishen-app`
//! shows neither; `.ci/run` checks it). The optional `openapi` feature, which only the server
//! turns on, derives the views' schemas for the server's document.

pub mod auth;
pub mod blobs;
pub mod ctx;
pub mod error;
pub mod inspect;
pub mod json;
pub mod mailer;
pub mod metrics;
pub mod pii;
pub mod policy;
pub mod ratelimit;
pub mod redact;
pub mod services;
pub mod settings;
pub mod sms;
pub mod time;

pub use ctx::Ctx;
pub use error::{AppError, FieldIssue};
