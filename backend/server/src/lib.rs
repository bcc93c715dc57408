//! The yishen service: the HTTP API and the pages over the application layer (`yishen-app`),
//! telemetry, start-up and the command line. Handlers parse a request into a typed command,
//! call one service and render its view; an `AppError` becomes problem+json in `error`.
//! `main` only builds the settings and calls into here; the black-box tests boot the same [`startup::Application`] on port 0.

pub mod auth;
pub mod cli;
pub mod error;
pub mod extract;
pub mod multipart;
pub mod openapi;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod web;
