//! The public reading room's pages (依申请转主动): the search with its filters
//! (`/reading-room`), an entry at its stable address (`/reading-room/{id}`) and its documents.

use actix_web::web;
use askama::Template;
use yishen_app::services::reading_room::{self, EntryView};

use super::{Chrome, Errs, PageCtx, PageResult};

#[derive(Template)]
#[template(path = "reading_room.html")]
struct ListPage {
    l: Chrome,
    q: String,
    agency: String,
    year: String,
    topic: String,
    agencies: Vec<(String, String)>,
    topics: Vec<String>,
    items: Vec<EntryView>,
    errs: Errs,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    agency: Option<String>,
    year: Option<String>,
    topic: Option<String>,
}

pub async fn list(ctx: PageCtx, q: web::Query<ListQuery>) -> PageResult {
    let q = q.into_inner();
    let agency = q.agency.clone().filter(|a| !a.trim().is_empty());
    let year_text = q.year.clone().unwrap_or_default();
    let year = match year_text.trim() {
        "" => Ok(None),
        y => y.parse::<i32>().map(Some).map_err(|_| {
            yishen_app::AppError::InvalidQuery(vec![yishen_app::error::FieldIssue::new(
                "year",
                "invalid",
                "年度须为四位数字",
            )])
        }),
    };
    let found = match year {
        Ok(year) => {
            reading_room::search(
                &ctx.state,
                q.q.clone(),
                agency.clone(),
                year,
                q.topic.clone(),
                reading_room::PUBLIC_LIMIT,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let (items, topics, errs) = match found {
        Ok(list) => (list.items, list.topics, Errs::default()),
        Err(e) => (Vec::new(), Vec::new(), Errs::from_api(e)?),
    };
    let agencies = super::applicant::agency_options(&ctx).await?;
    ctx.page_status(
        errs.status(),
        &ListPage {
            l: ctx.chrome("公开阅览室（依申请公开转主动公开）"),
            q: q.q.unwrap_or_default(),
            agency: agency.unwrap_or_default(),
            year: year_text,
            topic: q.topic.unwrap_or_default(),
            agencies,
            topics,
            items,
            errs,
        },
    )
}

#[derive(Template)]
#[template(path = "reading_room_entry.html")]
struct EntryPage {
    l: Chrome,
    e: EntryView,
}

pub async fn entry(ctx: PageCtx, id: web::Path<i64>) -> PageResult {
    let e = reading_room::entry(&ctx.state, id.into_inner()).await?;
    ctx.page(&EntryPage {
        l: ctx.chrome(&e.title),
        e,
    })
}

pub async fn document(path: web::Path<(i64, i64)>, ctx: PageCtx) -> PageResult {
    let (id, doc) = path.into_inner();
    Ok(crate::routes::reading_room::stream(&ctx.state, id, doc).await?)
}
