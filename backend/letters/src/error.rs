//! The two error types: [`TemplateError`] for a template that cannot be used (found when the
//! templates load, or when a caller asks for a kind/variant that has no letter), and
//! [`LetterError`] for a letter that cannot be rendered from the data given.
//!
//! Messages are for logs and operators, so they are English and name the file, the variant
//! and the placeholder or field at fault; the server maps them to its own Chinese problems.

use crate::LetterKind;

/// A template that cannot be used, or a kind/variant without a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{file}: not a valid template: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: bad placeholder syntax in {text:?}")]
    Syntax { file: String, text: String },
    #[error("{file}: unknown placeholder {{{placeholder}}} (not in the list this kind may use)")]
    UnknownPlaceholder { file: String, placeholder: String },
    #[error("{file}: variant {variant}: the placeholder {{{placeholder}}} is missing")]
    MissingPlaceholder {
        file: String,
        variant: String,
        placeholder: String,
    },
    #[error("{file}: no section [variants.{variant}]")]
    MissingVariant { file: String, variant: String },
    #[error("{file}: section [variants.{variant}] is not a variant of this kind")]
    UnexpectedVariant { file: String, variant: String },
    #[error("{file}: the [remedy] clause {clause:?} is missing")]
    MissingRemedy { file: String, clause: String },
    #[error("{file}: this kind carries no remedy clause, remove [remedy]")]
    UnexpectedRemedy { file: String },
    #[error("{file}: no font has a glyph for {ch:?} (U+{code:04X})", code = u32::from(*ch))]
    MissingGlyph { file: String, ch: char },
    #[error("{file}: {word:?} addresses the applicant in fixed words; use {{addressee}}")]
    FixedAddress { file: String, word: String },
    #[error("the font {file} cannot be parsed")]
    Font { file: String },
    #[error("a {kind} letter needs a variant")]
    VariantRequired { kind: LetterKind },
    #[error("a {kind} letter has no variant {variant:?}")]
    UnknownVariant { kind: LetterKind, variant: String },
    #[error("the disposition {variant} is concluded without a {kind} letter")]
    NoLetter { kind: LetterKind, variant: String },
}

/// A letter that cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("the field {field:?} is missing or blank")]
    MissingField { field: String },
    #[error("the field {field:?} holds {ch:?} (U+{code:04X}), which no font can print", code = u32::from(*ch))]
    MissingGlyph { field: String, ch: char },
}

impl LetterError {
    /// The refusal as the person who asked for the letter reads it (Simplified Chinese);
    /// the English `Display` is for logs.
    pub fn chinese(&self) -> String {
        match self {
            Self::Template(_) => "文书模板有误，请联系系统管理员".to_owned(),
            Self::MissingField { field } => format!("缺少“{field}”的内容"),
            Self::MissingGlyph { field, ch } => format!(
                "“{field}”中的字符“{ch}”（U+{:04X}）没有可用的字体，无法打印；请改用常用字或在括号内注明",
                u32::from(*ch)
            ),
        }
    }
}
