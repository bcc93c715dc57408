//! The article push for a case: the articles of the 条例 and the fee rules that bear on the
//! request (`yishen_domain::articles`), for the staff who may see the case.

use serde::Serialize;
use yishen_domain::Role;
use yishen_store::CaseId;
use yishen_store::models::case as case_store;

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushedArticle {
    /// As cited: 《中华人民共和国政府信息公开条例》第十六条第二款.
    pub article: String,
    pub text: String,
    pub why: String,
    /// The words of the request that triggered it.
    pub cues: Vec<String>,
    pub score: u32,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleList {
    pub items: Vec<PushedArticle>,
}

pub async fn for_case(state: &Ctx, actor: &Actor, id: CaseId) -> Result<ArticleList, AppError> {
    if actor.role == Role::Applicant {
        return Err(AppError::Forbidden("法条推送仅供工作人员使用".into()));
    }
    let scope = policy::case_scope(actor)?;
    let articles = state.articles.clone();
    state
        .read(move |conn| {
            let (case, _, _) =
                case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            let text = match &case.description {
                Some(d) => format!("{}\n{d}", case.content),
                None => case.content.clone(),
            };
            Ok(ArticleList {
                items: articles
                    .push(&text)
                    .into_iter()
                    .map(|p| PushedArticle {
                        article: p.article,
                        text: p.text,
                        why: p.why,
                        cues: p.cues,
                        score: p.score,
                    })
                    .collect(),
            })
        })
        .await
}
