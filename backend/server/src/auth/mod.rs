//! How a request proves who it is: the bearer-token extractor. The identity itself, passwords
//! and tokens are `yishen_app::auth`.

pub mod extractor;

pub use extractor::Caller;
pub use yishen_app::auth::{Actor, ActorAgency, password, tokens};
