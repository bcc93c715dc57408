//! The kinds of letter are the domain's (`yishen_domain::letter`): which letter a case gets is a
//! legal question. This crate only maps each to its template file.

pub use yishen_domain::letter::LetterKind;

/// The template's file name inside `pdf-templates/`.
pub fn file_name(kind: LetterKind) -> String {
    format!("{}.toml", kind.code())
}
