//! The redaction screen (staff): a provided PDF's pages as images with the suggested boxes
//! over them, boxes drawn by hand (app.js), "every occurrence" of a text, and the release.
//! Without script the suggestions and the search still work.

use std::collections::HashMap;

use actix_web::web::{Path, Query};
use askama::Template;
use yishen_app::redact::PREVIEW_DPI;
use yishen_app::services::redactions::{self, BoxInput, Release, Suggestions};
use yishen_domain::Disposition;
use yishen_domain::redaction::PERSONAL_DATA_GROUND;

use super::session::Post;
use super::{Chrome, Errs, PageCtx, PageResult, see_other};
use crate::error::ApiError;

/// A box as the page shows it: the form's value (page,x,y,w,h) and its rectangle over the
/// page image, all in points (the overlay's coordinates).
pub struct BoxRow {
    pub n: usize,
    pub page: u32,
    pub label: String,
    pub value: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

pub struct PageRow {
    pub page: u32,
    pub width: f64,
    pub height: f64,
    pub px_width: u32,
    pub px_height: u32,
}

#[derive(Template)]
#[template(path = "redact.html")]
struct RedactPage {
    l: Chrome,
    errs: Errs,
    doc_id: i64,
    case_id: i64,
    every: String,
    /// A picture: no text layer, so nothing is suggested or found.
    picture: bool,
    ground: String,
    confirmed: String,
    grounds: Vec<(&'static str, &'static str)>,
    boxes: Vec<BoxRow>,
    pages: Vec<PageRow>,
}

impl PageRow {
    /// A page as the screen shows it: its size in points and its image's size at
    /// [`PREVIEW_DPI`].
    fn of(p: &redactions::PageSize) -> Self {
        let px = |points: f64| (points * f64::from(PREVIEW_DPI) / 72.0) as u32;
        Self {
            page: p.page,
            width: p.width,
            height: p.height,
            px_width: px(p.width),
            px_height: px(p.height),
        }
    }
}

fn rows(s: &Suggestions) -> (Vec<PageRow>, Vec<BoxRow>) {
    let pages = s.pages.iter().map(PageRow::of).collect();
    let boxes = s
        .items
        .iter()
        .enumerate()
        .map(|(n, b)| BoxRow {
            n,
            page: b.page,
            label: b.kind_label.clone(),
            value: format!("{},{},{},{},{}", b.page, b.x, b.y, b.width, b.height),
            x: b.x,
            y: b.y,
            w: b.width,
            h: b.height,
        })
        .collect();
    (pages, boxes)
}

fn grounds() -> Vec<(&'static str, &'static str)> {
    Disposition::ALL
        .iter()
        .filter(|d| d.is_withholding())
        .map(|d| (d.as_str(), d.label()))
        .collect()
}

async fn show(
    ctx: &PageCtx,
    doc_id: i64,
    every: String,
    errs: Errs,
    kept: Option<(String, String)>,
) -> PageResult {
    let actor = ctx.actor_in(&super::work::STAFF)?.clone();
    let every_q = Some(every.clone()).filter(|e| !e.trim().is_empty());
    let s = redactions::suggestions(&ctx.state, &actor, doc_id, every_q).await?;
    let (pages, mut boxes) = rows(&s);
    // Redoing a redaction starts from the boxes of the copy in force, each with its ground.
    let earlier = redactions::in_force(&ctx.state, &actor, s.case_id).await?;
    for b in earlier
        .iter()
        .filter(|c| c.source_document_id == doc_id)
        .flat_map(|c| &c.boxes)
    {
        boxes.push(BoxRow {
            n: boxes.len(),
            page: b.page,
            label: format!("上次遮盖（{}）", b.ground_label),
            value: format!(
                "{},{},{},{},{},{}",
                b.page, b.x, b.y, b.width, b.height, b.ground
            ),
            x: b.x,
            y: b.y,
            w: b.width,
            h: b.height,
        });
    }
    let (ground, confirmed) =
        kept.unwrap_or_else(|| (PERSONAL_DATA_GROUND.as_str().to_owned(), String::new()));
    let status = if errs.any() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    ctx.page_status(
        status,
        &RedactPage {
            l: ctx.chrome(&format!("遮盖后提供：{}", s.name)),
            errs,
            doc_id,
            case_id: s.case_id.get(),
            every,
            picture: s.media_type.starts_with("image/"),
            ground,
            confirmed,
            grounds: grounds(),
            boxes,
            pages,
        },
    )
}

pub async fn page(ctx: PageCtx, id: Path<i64>, q: Query<HashMap<String, String>>) -> PageResult {
    let every = q.get("every").cloned().unwrap_or_default();
    show(&ctx, id.into_inner(), every, Errs::default(), None).await
}

/// A page of the document as an image.
pub async fn image(ctx: PageCtx, path: Path<(i64, u32)>) -> PageResult {
    let actor = ctx.actor_in(&super::work::STAFF)?.clone();
    let (id, page) = path.into_inner();
    let png = redactions::page_image(&ctx.state, &actor, id, page).await?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("cache-control", "private, no-store"))
        .body(png))
}

/// Parses `page,x,y,width,height[,ground]`: a box kept from an earlier release carries its
/// own ground; the others take the one chosen on the form.
fn box_input(v: &str, ground: &str) -> BoxInput {
    let parts: Vec<&str> = v.split(',').map(str::trim).collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<f64>().ok());
    BoxInput {
        page: parts.first().and_then(|p| p.parse().ok()),
        x: num(1),
        y: num(2),
        width: num(3),
        height: num(4),
        ground: Some(
            parts
                .get(5)
                .filter(|g| !g.is_empty())
                .map_or(ground, |g| *g)
                .to_owned(),
        ),
    }
}

pub async fn release(post: Post, id: Path<i64>) -> PageResult {
    let Post { ctx, form } = post;
    let id = id.into_inner();
    let actor = ctx.actor_in(&super::work::STAFF)?.clone();
    let ground = form
        .text("ground")
        .unwrap_or_else(|| PERSONAL_DATA_GROUND.as_str().to_owned());
    let confirmed_text = form.text("confirmed").unwrap_or_default();
    let confirmed: Vec<String> = confirmed_text
        .split([',', '，', '、', ' '])
        .map(str::to_owned)
        .collect();
    let boxes: Vec<BoxInput> = form
        .all("box")
        .iter()
        .map(|b| box_input(b, &ground))
        .collect();
    let result = match Release::new(boxes, confirmed) {
        Ok(cmd) => redactions::release(&ctx.state, &actor, id, cmd).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(view) => Ok(see_other(&format!(
            "/work/cases/{}#documents",
            view.case_id.get()
        ))),
        Err(e) => {
            let mut errs = Errs::from_api(ApiError::from(e))?;
            // A box's own field (boxes[3].ground) is shown with the boxes.
            for issue in &mut errs.0 {
                if issue.field.starts_with("boxes[") {
                    issue.field = if issue.field.ends_with(".ground") {
                        "ground".into()
                    } else {
                        "boxes".into()
                    };
                }
            }
            show(
                &ctx,
                id,
                form.text("every").unwrap_or_default(),
                errs,
                Some((ground, confirmed_text)),
            )
            .await
        }
    }
}

/// A box of the review, over its page: number, page, rectangle and ground.
pub struct ReviewRow {
    pub n: i32,
    pub page: u32,
    pub ground: String,
    /// The article the ground rests on (第十五条 …): short enough to print over the page.
    pub article: &'static str,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Where its number is printed (above the box, or inside it at the page's top).
    pub label_y: f64,
}

#[derive(Template)]
#[template(path = "redaction_review.html")]
struct ReviewPage {
    l: Chrome,
    copy: redactions::ReleasedCopy,
    at: String,
    boxes: Vec<ReviewRow>,
    pages: Vec<PageRow>,
}

/// The review of a released copy (staff, the legal adviser above all): its source's pages with
/// every box over them, outlined so that what lies under can be read, each numbered and listed
/// with its ground.
pub async fn review(ctx: PageCtx, id: Path<i64>) -> PageResult {
    let actor = ctx.actor_in(&super::work::STAFF)?.clone();
    let copy = redactions::review(&ctx.state, &actor, id.into_inner()).await?;
    let pages = copy.pages.iter().map(PageRow::of).collect();
    let boxes = copy
        .boxes
        .iter()
        .map(|b| ReviewRow {
            n: b.box_no,
            page: b.page,
            ground: b.ground_label.clone(),
            article: Disposition::parse(&b.ground)
                .and_then(|d| d.ground_articles(false))
                .unwrap_or(""),
            x: b.x,
            y: b.y,
            w: b.width,
            h: b.height,
            label_y: if b.y >= 10.0 { b.y - 2.0 } else { b.y + 9.0 },
        })
        .collect();
    ctx.page(&ReviewPage {
        l: ctx.chrome(&format!("遮盖审核：{}", copy.released_name)),
        at: yishen_app::time::local(copy.at),
        copy,
        boxes,
        pages,
    })
}

/// A released copy as the draft part of the case page lists it.
pub struct RedactedRow {
    pub name: String,
    pub source_name: String,
    pub review: String,
    /// "第1页 个人隐私" per box, in order.
    pub boxes: Vec<String>,
    /// Each ground (its code) with the pages its boxes are on, for the draft form's proposal.
    pub grounds: Vec<(String, Vec<u32>)>,
}

/// The case's released copies in force, for the draft part of the case page (staff).
pub async fn rows_for_case(
    ctx: &PageCtx,
    actor: &yishen_app::auth::Actor,
    id: yishen_store::CaseId,
) -> Result<Vec<RedactedRow>, ApiError> {
    if actor.role == yishen_domain::Role::Applicant {
        return Ok(Vec::new());
    }
    Ok(redactions::in_force(&ctx.state, actor, id)
        .await?
        .into_iter()
        .map(|c| RedactedRow {
            grounds: {
                let mut g: Vec<(String, Vec<u32>)> = Vec::new();
                for b in &c.boxes {
                    match g.iter_mut().find(|(code, _)| *code == b.ground) {
                        Some((_, pages)) if !pages.contains(&b.page) => pages.push(b.page),
                        Some(_) => {}
                        None => g.push((b.ground.clone(), vec![b.page])),
                    }
                }
                g
            },
            review: format!(
                "/work/documents/{}/redaction-review",
                c.released_document_id
            ),
            boxes: c
                .boxes
                .iter()
                .map(|b| format!("第{}页 {}", b.page, b.ground_label))
                .collect(),
            name: c.released_name,
            source_name: c.source_name,
        })
        .collect())
}
