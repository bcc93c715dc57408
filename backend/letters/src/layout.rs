//! Page layout after GB/T 9704-2012 (letters.md §1): where every line of a letter goes.
//!
//! printpdf 0.12 in manual mode places a string at a point and nothing more — no measuring,
//! no wrapping, no pagination (stack.md §1 pitfall 3) — so this module does all of it by
//! hand: it measures each character's advance in the face it will be drawn in (the body's
//! 仿宋 or its fallback, the title's face: [`crate::font`]), breaks lines on the standard's
//! character grid (28 characters of 三号 per line, 22 lines per page), keeps Latin runs such
//! as URLs and phone numbers whole, applies 避头尾 (closing punctuation never starts a line,
//! opening punctuation never ends one: a closing mark is pushed into the line when a slight
//! squeeze suffices, otherwise the last character moves down with it), justifies the lines
//! of a paragraph, and pages the result, keeping the attachment note, the signature and the
//! date together with the last body line (GB/T 9704 7.3.5.5: no page without body text). The result is pure data; [`crate::pdf`] draws it and
//! [`Page::text_lines`] prints it for previews and tests.

use crate::compose::Letter;
use crate::font::{Fonts, Role};

const MM: f32 = 72.0 / 25.4;
pub(crate) const PAGE_WIDTH: f32 = 210.0 * MM;
pub(crate) const PAGE_HEIGHT: f32 = 297.0 * MM;
/// The type area (版心): 156 × 225 mm, 28 mm from the left edge, 37 mm from the top.
const AREA_LEFT: f32 = 28.0 * MM;
const AREA_TOP: f32 = PAGE_HEIGHT - 37.0 * MM;
const AREA_WIDTH: f32 = 156.0 * MM;
const AREA_HEIGHT: f32 = 225.0 * MM;
const LINES_PER_PAGE: usize = 22;
/// 22 lines in 225 mm (637.8 pt); the 28.99 pt of exact division would push line 22 over the
/// edge by rounding, so generators use 28.95 (letters.md §1.3).
const LINE_PITCH: f32 = 28.95;
const CHARS_PER_LINE: f32 = 28.0;

/// 二号 title, 三号 body, 四号 page numbers (letters.md §1.1).
const TITLE_SIZE: f32 = 22.0;
const BODY_SIZE: f32 = 16.0;
const PAGE_NUMBER_SIZE: f32 = 14.0;
/// Character spacing that puts 28 characters of 三号 exactly into the 156 mm line (28 × 16 pt
/// is 5.8 pt too wide), as Word's document grid does.
const BODY_SPACING: f32 = (AREA_WIDTH - CHARS_PER_LINE * BODY_SIZE) / (CHARS_PER_LINE - 1.0);
/// One 字 of the body grid: the unit of indents.
const BODY_CHAR: f32 = BODY_SIZE + BODY_SPACING;
/// How far the ideographic em box reaches above the baseline, in ems (880/1000 in
/// FandolFang and both Noto Serif SC faces alike).
const ASCENT: f32 = 0.88;
/// Blank lines between the body and the signature, room for the seal.
const SEAL_LINES: usize = 2;
/// A line may be squeezed by up to this much (in ems, over the whole line) to take a closing
/// punctuation mark that would otherwise start the next line.
const MAX_SQUEEZE: f32 = 1.0;
/// A justified line may open each gap by up to this much (in ems); beyond it, the line stays
/// ragged rather than looking like spaced-out letters (and text extraction inserting spaces).
const MAX_STRETCH: f32 = 0.08;
const EPS: f32 = 0.01;

/// Punctuation that must not start a line (避头).
const CLOSING: &str = "，。、；：？！）」』”’》〉】〕〗〙｝］％,.;:!?)]}%";
/// Punctuation that must not end a line (避尾).
const OPENING: &str = "（「『“‘《〈【〔〖〘｛［([{";

/// One line of text as placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedLine {
    pub(crate) text: String,
    /// Start of the baseline, in pt from the page's bottom-left corner.
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) size: f32,
    /// Which faces it is set in.
    pub(crate) role: Role,
    /// PDF character spacing (`Tc`), in pt.
    pub(crate) spacing: f32,
    /// The grid line (0..22) it sits on.
    slot: usize,
    /// The indent in grid characters, for the plain-text rendering.
    indent_chars: usize,
}

/// One page: its lines, and the page number when the letter has more than one page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Page {
    pub(crate) lines: Vec<PlacedLine>,
    pub(crate) footer: Option<PlacedLine>,
    /// The QR code of the letter's verification page, on the last page.
    pub(crate) qr: Option<QrBox>,
    /// Where the agency's seal is pressed, on the last page of a sealed letter.
    pub(crate) seal: Option<SealBox>,
}

/// Where a seal image goes: its lower-left corner and size, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SealBox {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

/// Where a QR code goes: its lower-left corner and side, in points, and what it encodes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QrBox {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) side: f32,
    pub(crate) url: String,
}

/// The QR code's side: 20 mm, legible to a phone from a printed page.
const QR_SIDE: f32 = 20.0 * MM;

impl Page {
    /// The page as plain lines: blank grid lines kept, paragraph indents as ideographic
    /// spaces, alignment dropped.
    pub(crate) fn text_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for line in &self.lines {
            while out.len() < line.slot {
                out.push(String::new());
            }
            out.push(format!(
                "{}{}",
                "\u{3000}".repeat(line.indent_chars),
                line.text
            ));
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    /// Justified, the last line flush left.
    Justify,
    Center,
}

#[derive(Debug, Clone, Copy)]
struct Style {
    size: f32,
    role: Role,
    /// Character spacing on the grid, in pt.
    spacing: f32,
    first_indent: f32,
    rest_indent: f32,
    align: Align,
}

impl Style {
    fn body(first_indent: f32, rest_indent: f32) -> Self {
        Style {
            size: BODY_SIZE,
            role: Role::Body,
            spacing: BODY_SPACING,
            first_indent,
            rest_indent,
            align: Align::Justify,
        }
    }

    fn centred(size: f32, role: Role, spacing: f32) -> Self {
        Style {
            size,
            role,
            spacing,
            first_indent: 0.0,
            rest_indent: 0.0,
            align: Align::Center,
        }
    }
}

/// A line-breaking unit: one character, or a run that must stay whole (a Latin word, a
/// number, a URL; a ——/…… pair).
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    /// Advances plus one character spacing per glyph, in pt.
    width: f32,
    glyphs: usize,
    no_start: bool,
    no_end: bool,
    space: bool,
}

fn tokens<'a>(fonts: &Fonts, text: &'a str, style: &Style, widest: f32) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, ch)) = chars.next() {
        let mut end = start + ch.len_utf8();
        let joins = |c: char| {
            if ch.is_ascii_graphic() {
                c.is_ascii_graphic()
            } else {
                (ch == '—' || ch == '…') && c == ch
            }
        };
        while let Some(&(i, c)) = chars.peek() {
            if !joins(c) {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        push_token(fonts, &text[start..end], style, widest, &mut out);
    }
    out
}

fn push_token<'a>(fonts: &Fonts, s: &'a str, style: &Style, widest: f32, out: &mut Vec<Token<'a>>) {
    let width: f32 = s
        .chars()
        .map(|c| fonts.advance(style.role, c) * style.size + style.spacing)
        .sum();
    let glyphs = s.chars().count();
    if glyphs > 1 && width - style.spacing > widest {
        // A run longer than a line (a very long URL) has to break somewhere: anywhere.
        for (i, c) in s.char_indices() {
            push_token(fonts, &s[i..i + c.len_utf8()], style, widest, out);
        }
        return;
    }
    out.push(Token {
        text: s,
        width,
        glyphs,
        no_start: s.chars().next().is_some_and(|c| CLOSING.contains(c)),
        no_end: s.chars().last().is_some_and(|c| OPENING.contains(c)),
        space: s == " ",
    });
}

/// Whether a line may end before `tokens[b]`.
fn breakable(tokens: &[Token], b: usize) -> bool {
    b >= tokens.len() || (!tokens[b].no_start && (b == 0 || !tokens[b - 1].no_end))
}

/// Splits `tokens` into lines of at most `first`/`rest` pt (plus the squeeze allowance),
/// returning the token ranges.
fn break_tokens(
    tokens: &[Token],
    first: f32,
    rest: f32,
    style: &Style,
) -> Vec<std::ops::Range<usize>> {
    let n = tokens.len();
    let mut lines = Vec::new();
    let mut start = 0;
    loop {
        while start < n && tokens[start].space {
            start += 1;
        }
        if start >= n {
            break;
        }
        let avail = if lines.is_empty() { first } else { rest };
        let fits = |w: f32, allowance: f32| w - style.spacing <= avail + allowance + EPS;
        let mut width = 0.0;
        let mut k = start;
        while k < n && fits(width + tokens[k].width, 0.0) {
            width += tokens[k].width;
            k += 1;
        }
        let end = if k >= n {
            n
        } else if k == start {
            // One token wider than the line (only possible on an indented line): alone.
            start + 1
        } else {
            choose_break(tokens, start, k, width, style, fits)
        };
        lines.push(start..end);
        start = end;
    }
    lines
}

/// Where to end a line when `tokens[k]` no longer fits (`width` is the width of
/// `start..k`).
fn choose_break(
    tokens: &[Token],
    start: usize,
    k: usize,
    width: f32,
    style: &Style,
    fits: impl Fn(f32, f32) -> bool,
) -> usize {
    // Push in: closing punctuation joins this line if a slight squeeze makes room.
    if tokens[k].no_start {
        let mut b = k;
        let mut w = width;
        while b < tokens.len() && tokens[b].no_start {
            w += tokens[b].width;
            b += 1;
        }
        if fits(w, MAX_SQUEEZE * style.size) && breakable(tokens, b) {
            return b;
        }
    }
    // Push out: end the line at the latest place the rules allow.
    (start + 1..=k)
        .rev()
        .find(|&b| breakable(tokens, b))
        .unwrap_or(k)
}

/// A broken line before it is placed on a page.
#[derive(Debug, Clone)]
struct Laid {
    text: String,
    /// From the type area's left edge.
    x: f32,
    size: f32,
    role: Role,
    spacing: f32,
    indent_chars: usize,
}

#[derive(Debug, Clone)]
struct Entry {
    line: Option<Laid>,
    /// Must be on the same page as the entry before it.
    keep_with_prev: bool,
}

/// Breaks `text` into placed lines in `style`.
fn lay(fonts: &Fonts, text: &str, style: Style, width: f32) -> Vec<Laid> {
    let widest = width - style.first_indent.max(style.rest_indent);
    let toks = tokens(fonts, text, &style, widest);
    let mut ranges = break_tokens(
        &toks,
        width - style.first_indent,
        width - style.rest_indent,
        &style,
    );
    if style.align == Align::Center && ranges.len() > 1 {
        // Titles: lines of similar length, the longer ones first (GB/T 9704 7.3.1 梯形).
        let total: f32 = toks.iter().map(|t| t.width).sum();
        let mut target = total / ranges.len() as f32;
        while target < width {
            let tried = break_tokens(&toks, target, target, &style);
            if tried.len() <= ranges.len() {
                ranges = tried;
                break;
            }
            target += style.size / 2.0;
        }
    }
    let count = ranges.len();
    ranges
        .into_iter()
        .enumerate()
        .map(|(i, range)| {
            let mut line = &toks[range];
            while let Some((last, init)) = line.split_last() {
                if !last.space {
                    break;
                }
                line = init;
            }
            let indent = if i == 0 {
                style.first_indent
            } else {
                style.rest_indent
            };
            let avail = width - indent;
            let glyphs: usize = line.iter().map(|t| t.glyphs).sum();
            let advances: f32 =
                line.iter().map(|t| t.width).sum::<f32>() - style.spacing * glyphs as f32;
            let natural = advances + style.spacing * glyphs.saturating_sub(1) as f32;
            let gaps = glyphs.saturating_sub(1).max(1) as f32;
            let fill = (avail - advances) / gaps;
            let last = i + 1 == count;
            // A line holding a pushed-in closing mark is squeezed to fit; the other lines of
            // a paragraph but its last are justified, unless that would space them out.
            let squeezed = natural > avail + EPS;
            let justified = style.align == Align::Justify
                && !last
                && fill - style.spacing <= MAX_STRETCH * style.size;
            let spacing = if squeezed || justified {
                fill
            } else {
                style.spacing
            };
            let x = match style.align {
                Align::Center => ((width - natural) / 2.0).max(0.0),
                Align::Justify => indent,
            };
            Laid {
                text: line.iter().map(|t| t.text).collect(),
                x,
                size: style.size,
                role: style.role,
                spacing,
                indent_chars: match style.align {
                    Align::Justify => (indent / BODY_CHAR).round() as usize,
                    Align::Center => 0,
                },
            }
        })
        .collect()
}

fn width_of(fonts: &Fonts, role: Role, text: &str, size: f32, spacing: f32) -> f32 {
    let glyphs = text.chars().count();
    text.chars()
        .map(|c| fonts.advance(role, c) * size)
        .sum::<f32>()
        + spacing * glyphs.saturating_sub(1) as f32
}

/// Blank lines between the body (or attachment note) and the signature of a sealed letter
/// whose seal is `height` pt tall: the seal's centre sits at the top of the signature's line,
/// so the signature and the date lie below it (7.3.5.1), and its top comes within one line
/// of the body without reaching into the body's glyphs (the few points of a line's foot
/// below its characters may be covered).
fn seal_lines(height: f32) -> usize {
    const FOOT: f32 = 5.0;
    (((height / 2.0 - FOOT) / LINE_PITCH).ceil().max(1.0)) as usize
}

/// Lays `letter` out on as many pages as it needs; `seal` is the printed size (width,
/// height, pt) of the seal pressed on it, if it is sealed.
pub(crate) fn lay_out(letter: &Letter, fonts: &Fonts, seal: Option<(f32, f32)>) -> Vec<Page> {
    let mut entries: Vec<Entry> = Vec::new();
    let push = |entries: &mut Vec<Entry>, lines: Vec<Laid>| {
        entries.extend(lines.into_iter().map(|line| Entry {
            line: Some(line),
            keep_with_prev: false,
        }));
    };
    let blank = |entries: &mut Vec<Entry>, keep_with_prev: bool| {
        entries.push(Entry {
            line: None,
            keep_with_prev,
        });
    };
    let indent2 = 2.0 * BODY_CHAR;

    // Title, then the number centred under it (letters.md §1.3), a blank line, the addressee.
    push(
        &mut entries,
        lay(
            fonts,
            &letter.title,
            Style::centred(TITLE_SIZE, Role::Title, 0.0),
            AREA_WIDTH,
        ),
    );
    if !letter.number.is_empty() {
        push(
            &mut entries,
            lay(
                fonts,
                &letter.number,
                Style::centred(BODY_SIZE, Role::Body, BODY_SPACING),
                AREA_WIDTH,
            ),
        );
    }
    blank(&mut entries, false);
    push(
        &mut entries,
        lay(fonts, &letter.salutation, Style::body(0.0, 0.0), AREA_WIDTH),
    );
    for paragraph in &letter.paragraphs {
        push(
            &mut entries,
            lay(fonts, paragraph, Style::body(indent2, 0.0), AREA_WIDTH),
        );
    }

    // 附件说明 (7.3.4): a blank line, 左空二字 "附件：", numbered when there are several, wrapped
    // lines aligned with the first character of the name. It follows the body and stays with
    // it and with the signature: a page of 附件, signature and date alone, without body text,
    // is what 7.3.5 forbids.
    if !letter.attachments.is_empty() {
        blank(&mut entries, true);
        let label = "附件：";
        let label_width =
            width_of(fonts, Role::Body, label, BODY_SIZE, BODY_SPACING) + BODY_SPACING;
        let several = letter.attachments.len() > 1;
        for (i, name) in letter.attachments.iter().enumerate() {
            let (text, first) = match (i, several) {
                (0, false) => (format!("{label}{name}"), indent2),
                (0, true) => (format!("{label}1. {name}"), indent2),
                (i, _) => (format!("{}. {name}", i + 1), indent2 + label_width),
            };
            let number = if several {
                let digits = format!("{}. ", i + 1);
                width_of(fonts, Role::Body, &digits, BODY_SIZE, BODY_SPACING) + BODY_SPACING
            } else {
                0.0
            };
            let lines = lay(
                fonts,
                &text,
                Style::body(first, indent2 + label_width + number),
                AREA_WIDTH,
            );
            // The note moves to a new page as a whole, with the last body line before it and
            // the signature after it.
            entries.extend(lines.into_iter().map(|line| Entry {
                line: Some(line),
                keep_with_prev: true,
            }));
        }
    }

    // Signature and date. Unsealed (7.3.5.2): the agency 右空二字, the date on the next line
    // starting two characters further right; a date longer than that is set 右空二字 and the
    // agency moves left with it. Sealed (7.3.5.1): the date 右空四字 and the agency centred
    // over it (moved left as a whole when a long name would pass the right edge), the seal
    // centred over both. They stay on one page with the last body line (7.3.5.5).
    let seal_blank = seal.map_or(SEAL_LINES, |(_, h)| seal_lines(h));
    for _ in 0..seal_blank {
        blank(&mut entries, true);
    }
    let sig_width = width_of(
        fonts,
        Role::Body,
        &letter.signature,
        BODY_SIZE,
        BODY_SPACING,
    );
    let date_width = width_of(fonts, Role::Body, &letter.date, BODY_SIZE, BODY_SPACING);
    let (sig_x, date_x) = if seal.is_some() {
        let mut date_x = AREA_WIDTH - 2.0 * indent2 - date_width;
        let mut sig_x = date_x + (date_width - sig_width) / 2.0;
        let overrun = sig_x + sig_width - AREA_WIDTH;
        if overrun > 0.0 {
            sig_x -= overrun;
            date_x -= overrun;
        }
        (sig_x, date_x)
    } else {
        let mut sig_x = AREA_WIDTH - indent2 - sig_width;
        let mut date_x = sig_x + indent2;
        if date_x + date_width > AREA_WIDTH - indent2 + EPS {
            date_x = AREA_WIDTH - indent2 - date_width;
            sig_x = date_x - indent2;
        }
        (sig_x, date_x)
    };
    for (text, x) in [(&letter.signature, sig_x), (&letter.date, date_x)] {
        entries.push(Entry {
            line: Some(Laid {
                text: text.clone(),
                x: x.max(0.0),
                size: BODY_SIZE,
                role: Role::Body,
                spacing: BODY_SPACING,
                indent_chars: 0,
            }),
            keep_with_prev: true,
        });
    }
    // 附注 (7.3.6): 居左空二字, on the line after the date; under a seal that reaches lower,
    // as far down as the seal's foot.
    if let Some(note) = &letter.note {
        if let Some((_, h)) = seal {
            const HEAD: f32 = 5.0;
            let below = ((h / 2.0 - 2.0 * LINE_PITCH - HEAD) / LINE_PITCH).ceil();
            for _ in 0..below.max(0.0) as usize {
                blank(&mut entries, true);
            }
        }
        entries.extend(
            lay(fonts, note, Style::body(indent2, indent2), AREA_WIDTH)
                .into_iter()
                .map(|line| Entry {
                    line: Some(line),
                    keep_with_prev: true,
                }),
        );
    }

    let mut pages = paginate(&entries);
    // The QR code of the verification page sits at the left of the signature block on the
    // last page, its foot on the date line's: the rows of the seal space, the signature and
    // the date are free on the left (7.3.5.2 sets them 右空二字), so it touches no text.
    if let (Some(url), Some(page)) = (&letter.verify_url, pages.last_mut())
        && let Some(date) = page.lines.iter().rev().find(|l| l.text == letter.date)
    {
        page.qr = Some(QrBox {
            x: AREA_LEFT,
            y: date.y - (1.0 - ASCENT) * date.size,
            side: QR_SIDE,
            url: url.clone(),
        });
    }
    // The seal: centred over the date (and so over the signature), its centre at the top of
    // the signature's line.
    if let (Some((width, height)), Some(page)) = (seal, pages.last_mut()) {
        let lines = &page.lines;
        let date = lines.iter().rposition(|l| l.text == letter.date);
        if let Some(d) = date
            && d > 0
        {
            let (sig, date) = (&lines[d - 1], &lines[d]);
            let centre_x = date.x + date_width / 2.0;
            let top_of_signature = sig.y + ASCENT * sig.size + (LINE_PITCH - sig.size) / 2.0;
            page.seal = Some(SealBox {
                x: centre_x - width / 2.0,
                y: top_of_signature - height / 2.0,
                width,
                height,
            });
        }
    }
    let count = pages.len();
    if count > 1 {
        for (i, page) in pages.iter_mut().enumerate() {
            page.footer = Some(page_number(fonts, i + 1));
        }
    }
    pages
}

/// Puts the entries on the 22-line grid, page after page. A chain of entries kept together
/// moves to a new page as a whole when it does not fit; blank lines at the top of a page are
/// dropped.
fn paginate(entries: &[Entry]) -> Vec<Page> {
    let mut pages = vec![Page {
        lines: Vec::new(),
        footer: None,
        qr: None,
        seal: None,
    }];
    let mut slot = 0;
    for (i, entry) in entries.iter().enumerate() {
        if !entry.keep_with_prev {
            let chain = 1 + entries[i + 1..]
                .iter()
                .take_while(|e| e.keep_with_prev)
                .count();
            if slot > 0 && slot + chain > LINES_PER_PAGE && chain <= LINES_PER_PAGE {
                slot = LINES_PER_PAGE;
            }
        }
        if slot >= LINES_PER_PAGE {
            pages.push(Page {
                lines: Vec::new(),
                footer: None,
                qr: None,
                seal: None,
            });
            slot = 0;
        }
        let Some(line) = &entry.line else {
            if slot > 0 {
                slot += 1;
            }
            continue;
        };
        let y = AREA_TOP
            - slot as f32 * LINE_PITCH
            - (LINE_PITCH - line.size) / 2.0
            - ASCENT * line.size;
        if let Some(page) = pages.last_mut() {
            page.lines.push(PlacedLine {
                text: line.text.clone(),
                x: AREA_LEFT + line.x,
                y,
                size: line.size,
                role: line.role,
                spacing: line.spacing,
                slot,
                indent_chars: line.indent_chars,
            });
        }
        slot += 1;
    }
    pages
}

/// "— n —" in 四号, 7 mm below the type area; odd pages 右空一字, even pages 左空一字 (7.5).
fn page_number(fonts: &Fonts, n: usize) -> PlacedLine {
    let text = format!("— {n} —");
    let width = width_of(fonts, Role::PageNumber, &text, PAGE_NUMBER_SIZE, 0.0);
    let x = if n % 2 == 1 {
        AREA_LEFT + AREA_WIDTH - PAGE_NUMBER_SIZE - width
    } else {
        AREA_LEFT + PAGE_NUMBER_SIZE
    };
    // The dash of Noto Serif SC (the 宋体 of page numbers) tops out 0.29 em above the
    // baseline; that top is 7 mm under the type area.
    let y = AREA_TOP - AREA_HEIGHT - 7.0 * MM - 0.29 * PAGE_NUMBER_SIZE;
    PlacedLine {
        text,
        x,
        y,
        size: PAGE_NUMBER_SIZE,
        role: Role::PageNumber,
        spacing: 0.0,
        slot: LINES_PER_PAGE,
        indent_chars: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> &'static Fonts {
        crate::font::tests::shared()
    }

    fn lines(text: &str) -> Vec<String> {
        lay(fonts(), text, Style::body(2.0 * BODY_CHAR, 0.0), AREA_WIDTH)
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn the_grid_holds_28_characters_and_26_after_the_indent() {
        let text = "政".repeat(26 + 28 + 5);
        let got = lines(&text);
        assert_eq!(
            got.iter().map(|l| l.chars().count()).collect::<Vec<_>>(),
            [26, 28, 5]
        );
    }

    #[test]
    fn fallback_characters_keep_the_grid() {
        // 堃喆 are set in Noto Serif SC, the rest in FandolFang: both one em.
        let text = "张堃喆".repeat(20);
        let got = lines(&text);
        assert_eq!(
            got.iter().map(|l| l.chars().count()).collect::<Vec<_>>(),
            [26, 28, 6]
        );
        let laid = lay(
            fonts(),
            &text,
            Style::body(2.0 * BODY_CHAR, 0.0),
            AREA_WIDTH,
        );
        for line in &laid[..laid.len() - 1] {
            let end = line.x + width_of(fonts(), line.role, &line.text, line.size, line.spacing);
            assert!((end - AREA_WIDTH).abs() < 0.05, "{line:?} ends at {end}");
        }
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        for n in 20..60 {
            for tail in ["，", "。", "”。", "）。", "、", "；", "：", "」", "』"] {
                let text = format!("{}{tail}后文{}", "政".repeat(n), "府".repeat(40));
                let got = lines(&text);
                for line in &got[1..] {
                    let first = line.chars().next().unwrap_or(' ');
                    assert!(!CLOSING.contains(first), "n={n} {tail}: {got:?}");
                }
                assert_eq!(got.concat(), text);
            }
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        for n in 20..60 {
            let text = format!("{}“引文”（括注）{}", "政".repeat(n), "府".repeat(40));
            let got = lines(&text);
            for line in &got {
                let last = line.chars().last().unwrap_or(' ');
                assert!(!OPENING.contains(last), "n={n}: {got:?}");
            }
        }
    }

    #[test]
    fn latin_runs_stay_whole() {
        for n in 10..40 {
            let url = "https://www.example.gov.cn/zfxxgk/2026/0302.html";
            let text = format!("{}网址：{url}，电话：0571-87654321。", "政".repeat(n));
            let got = lines(&text);
            assert!(got.iter().any(|l| l.contains(url)), "n={n}: {got:?}");
            assert!(got.iter().any(|l| l.contains("0571-87654321")), "{got:?}");
        }
    }

    #[test]
    fn a_run_longer_than_a_line_is_split() {
        let text = format!("网址：{}", "a".repeat(200));
        let got = lines(&text);
        assert!(got.len() > 2);
        assert_eq!(got.concat(), text);
    }

    #[test]
    fn justified_lines_end_at_the_right_edge() {
        let laid = lay(
            fonts(),
            &format!("{}。{}", "政".repeat(25), "府".repeat(50)),
            Style::body(2.0 * BODY_CHAR, 0.0),
            AREA_WIDTH,
        );
        for line in &laid[..laid.len() - 1] {
            let end = line.x + width_of(fonts(), line.role, &line.text, line.size, line.spacing);
            assert!((end - AREA_WIDTH).abs() < 0.05, "{line:?} ends at {end}");
        }
    }

    #[test]
    fn long_titles_wrap_into_balanced_lines() {
        let laid = lay(
            fonts(),
            "杭州市上城区住房和城乡建设局关于政府信息公开申请的答复书",
            Style::centred(TITLE_SIZE, Role::Title, 0.0),
            AREA_WIDTH,
        );
        assert_eq!(laid.len(), 2);
        let a = laid[0].text.chars().count();
        let b = laid[1].text.chars().count();
        assert!(a >= b && a - b <= 2, "{laid:?}");
    }

    #[test]
    fn the_signature_chain_is_never_left_alone() {
        // 20 body lines + 2 blank + signature + date: the last body line moves along.
        let mut entries: Vec<Entry> = (0..20)
            .map(|i| Entry {
                line: Some(Laid {
                    text: format!("第{i}行"),
                    x: 0.0,
                    size: BODY_SIZE,
                    role: Role::Body,
                    spacing: BODY_SPACING,
                    indent_chars: 0,
                }),
                keep_with_prev: false,
            })
            .collect();
        for text in [None, None, Some("机关"), Some("日期")] {
            entries.push(Entry {
                line: text.map(|t| Laid {
                    text: t.into(),
                    x: 0.0,
                    size: BODY_SIZE,
                    role: Role::Body,
                    spacing: BODY_SPACING,
                    indent_chars: 0,
                }),
                keep_with_prev: true,
            });
        }
        let pages = paginate(&entries);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].lines.len(), 19);
        let texts: Vec<_> = pages[1].text_lines();
        assert_eq!(texts, ["第19行", "", "", "机关", "日期"]);
    }

    /// A letter whose body is `n` lines of one short paragraph each.
    fn letter_of(n: usize, attachments: usize) -> Letter {
        Letter {
            title: "政府信息公开申请答复书".into(),
            number: "上住建依申复〔2026〕12号".into(),
            salutation: "张三：".into(),
            paragraphs: (0..n).map(|i| format!("正文第{i}段。")).collect(),
            attachments: (0..attachments).map(|i| format!("附件材料{i}")).collect(),
            signature: "杭州市上城区住房和城乡建设局".into(),
            date: "2026年3月20日".into(),
            note: Some("（联系人：王明）".into()),
            verify_url: None,
        }
    }

    #[test]
    fn the_last_page_carries_body_text_whatever_line_the_body_ends_on() {
        // Bodies ending on every line of the first three pages, with and without attachments.
        for attachments in [0, 1, 3] {
            for n in 1..70 {
                let pages = lay_out(&letter_of(n, attachments), fonts(), None);
                let last = pages.last().map(|p| p.text_lines()).unwrap_or_default();
                assert!(
                    last.iter()
                        .any(|l| l.trim_start_matches('\u{3000}').starts_with("正文第")),
                    "{n} body lines, {attachments} attachments: last page {last:?}"
                );
                assert!(
                    last.iter().any(|l| l == "杭州市上城区住房和城乡建设局"),
                    "{n} body lines: the signature is on the last page"
                );
                for page in &pages[..pages.len() - 1] {
                    let lines = page.text_lines();
                    assert!(
                        !lines
                            .iter()
                            .any(|l| l.trim_start_matches('\u{3000}').starts_with("附件")),
                        "{n} body lines: the attachment note is on the last page"
                    );
                }
            }
        }
    }
}
