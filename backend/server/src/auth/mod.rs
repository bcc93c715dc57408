//! Authentication: password hashing, tokens and the extractor that turns a bearer token
//! into the acting user.

pub mod extractor;
pub mod password;
pub mod tokens;

pub use extractor::Actor;
