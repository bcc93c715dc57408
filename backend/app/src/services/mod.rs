//! Services: each public function is one user action, run as one transaction, deciding
//! through `domain` and `policy` and persisting through `store`.

pub mod access_log;
pub mod accounts;
pub mod agencies;
pub mod articles;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod cases;
pub mod demo;
pub mod digests;
pub mod dispatch;
pub mod documents;
pub mod dossier;
pub mod flags;
pub mod generation_cache;
pub mod import;
pub mod inquiries;
pub mod issuing;
pub mod letters;
pub mod manual;
pub mod notifications;
pub mod outcomes;
pub mod package;
pub mod prediction;
pub mod proactive;
pub mod redactions;
pub mod report;
pub mod restatements;
pub mod seals;
pub mod signatures;
pub mod similar;
pub mod stats;
pub mod throttle;
pub mod warm;
pub mod web_sessions;
