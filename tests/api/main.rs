#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

//! Black-box tests: the real application on port 0, over HTTP, each test on its own fresh
//! database (SQLite in a temporary directory, or PostgreSQL when
//! `YISHEN_TEST_DATABASE_URL` names a server and the `postgres` feature is on).

mod access_log;
mod agencies;
mod articles;
mod audit;
mod auth;
mod authorization;
mod backup;
mod calendar;
mod cases;
mod documents;
mod drafting;
mod fees;
mod flags;
mod helpers;
mod http_basics;
mod inquiries;
mod letters;
mod notifications;
mod prediction;
mod reading_room;
mod redactions;
mod report;
mod screening;
mod seals;
mod similar;
mod stats;
mod web;
