//! Every route, wired in one place. One file per resource; handlers parse, ask a service,
//! and shape the answer.

pub mod agencies;
pub mod auth;
pub mod calendar;
pub mod fees;
pub mod health;
pub mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(auth::register)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(users::me)
        .service(users::change_password)
        .service(users::list)
        .service(users::create)
        .service(users::get_one)
        .service(users::update)
        .service(agencies::list)
        .service(agencies::create)
        .service(agencies::get_one)
        .service(agencies::update)
        .service(calendar::due_date)
        .service(calendar::years)
        .service(calendar::get_year)
        .service(calendar::put_year)
        .service(fees::quote);
}
