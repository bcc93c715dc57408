//! The yishen service: configuration, telemetry, authentication and authorization, the HTTP
//! API, and the command line. `main` only builds the settings and calls into here; the
//! black-box tests boot the same [`startup::Application`] on port 0.

pub mod auth;
pub mod cli;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod multipart;
pub mod openapi;
pub mod pii;
pub mod policy;
pub mod ratelimit;
pub mod routes;
pub mod services;
pub mod settings;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod time;
pub mod web;
