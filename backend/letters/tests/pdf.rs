//! Every letter, rendered to a real PDF and read back with poppler's `pdftotext` and
//! `pdffonts` (DESIGN.md: letters are tested by their extracted text).
//!
//! The poppler tools must be installed (`apt-get install poppler-utils`); a missing tool
//! fails the test rather than skipping it. Set `YISHEN_LETTERS_KEEP=/some/dir` to keep the
//! PDFs for a look.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use yishen_domain::Disposition;
use yishen_domain::disposition::Remedy;
use yishen_letters::{LetterData, LetterError, LetterKind, TemplateError, Templates};

fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| match Templates::shipped() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    })
}

const APPLICANT: &str = "张堃喆";
const PARTY: &str = "杭州某某物业服务有限公司";
const BODY: &str = "杭州市上城区人民政府";
const COURT: &str = "杭州铁路运输法院";
const NUMBER: &str = "上住建依申复〔2026〕12号";

/// A value for every placeholder any template may use.
fn sample() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("agency_name", "杭州市上城区住房和城乡建设局"),
        ("applicant_name", APPLICANT),
        ("addressee", "您"),
        ("party_name", PARTY),
        ("received_date", "2026年3月2日"),
        ("channel", "政府信息公开申请平台"),
        ("tracking_no", "ZJ-HZ-SC-2026-000123"),
        (
            "request_content",
            "2025年望江街道老旧小区改造项目的竣工验收报告",
        ),
        ("issue_date", "2026年3月20日"),
        ("contact", "联系人：王明，联系电话：0571-87001234"),
        ("verify_code", "K7M2-Q9PX-4HTW"),
        ("reconsideration_body", BODY),
        ("court", COURT),
        ("due_date", "2026年3月30日"),
        ("due_clause", "（即2026年3月30日前）"),
        (
            "items",
            "一、请明确所申请政府信息的名称、文号或者其他特征性描述。\n二、请提供有效的身份证明。",
        ),
        ("deadline", "2026年3月27日"),
        ("extension_days", "20"),
        ("reasons", "该报告为审查过程中形成的讨论稿，尚未定稿"),
        (
            "withheld",
            "（一）施工单位人员的身份证号码和联系电话，涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，根据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定不予公开。\n（二）会议纪要中涉及内部讨论的部分，属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定不予公开。",
        ),
        (
            "reasons_clause",
            "，具体情况如下：您于2026年3月内累计向本机关提出政府信息公开申请35件",
        ),
        (
            "provided",
            "望江街道老旧小区改造项目竣工验收报告（删除个人信息后）",
        ),
        (
            "access",
            "登录杭州市上城区人民政府门户网站查阅，网址：https://www.example.gov.cn/zfxxgk/2026/0302.html",
        ),
        (
            "search_record",
            "经在本机关档案室、业务科室及电子公文系统以项目名称、年度为关键词检索，未找到该信息。",
        ),
        (
            "competent_agency",
            "杭州市上城区城市管理局（联系电话：0571-87002345）",
        ),
        ("prior_reply", "上住建依申复〔2026〕3号，2026年1月15日"),
        ("info_description", "物业服务合同及其附件"),
        ("interest", "商业秘密"),
        (
            "fee_basis",
            "按件计收，本件为您当月提出的第35件申请，标准为每件300元",
        ),
        ("amount", "300"),
        ("payment_method", "通过浙江政务服务网统一公共支付平台缴纳"),
    ])
}

fn data(kind: LetterKind, variant: Option<&str>) -> LetterData {
    let sample = sample();
    let fields = templates()
        .placeholders(kind, variant)
        .unwrap_or_else(|e| panic!("{kind} {variant:?}: {e}"))
        .into_iter()
        .map(|p| {
            let value = sample
                .get(p.as_str())
                .unwrap_or_else(|| panic!("no sample value for {{{p}}}"));
            (p, (*value).to_owned())
        })
        .collect();
    LetterData {
        kind,
        variant: variant.map(str::to_owned),
        number: NUMBER.to_owned(),
        fields,
    }
}

/// Runs a poppler tool on `pdf`, failing loudly when the tool is missing.
fn poppler(tool: &str, args: &[&str], pdf: &[u8], name: &str) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path: PathBuf = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("write {path:?}: {e}"));
    if let Ok(keep) = std::env::var("YISHEN_LETTERS_KEEP") {
        let _ = std::fs::create_dir_all(&keep);
        let _ = std::fs::write(PathBuf::from(keep).join(format!("{name}.pdf")), pdf);
    }
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{tool}` ({e}): install poppler-utils (apt-get install poppler-utils)"
            )
        });
    assert!(
        out.status.success(),
        "{tool} failed on {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{tool} output: {e}"))
}

fn render(data: &LetterData) -> Vec<u8> {
    templates()
        .render(data)
        .unwrap_or_else(|e| panic!("{} {:?}: {e}", data.kind, data.variant))
}

/// The extracted text with all white space (line ends, page breaks) removed, so sentences
/// that wrap can be searched.
fn extracted(data: &LetterData, name: &str) -> String {
    let text = poppler("pdftotext", &["-enc", "UTF-8"], &render(data), name);
    flatten(&text)
}

/// Drops the page numbers ("— 1 —") and all white space.
fn flatten(text: &str) -> String {
    text.lines()
        .filter(|l| !is_page_number(l))
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn is_page_number(line: &str) -> bool {
    let inner = line.trim().trim_matches('—').trim();
    line.trim().starts_with('—') && !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit())
}

fn fill(template: &str) -> String {
    template
        .replace("{reconsideration_body}", BODY)
        .replace("{court}", COURT)
}

const R1: &str = "如对本答复不服，可以自收到本答复书之日起60日内向{reconsideration_body}申请行政复议，或者自收到本答复书之日起6个月内向{court}提起行政诉讼。";
const R2: &str = "如对本答复不服，应当先自收到本答复书之日起60日内向{reconsideration_body}申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起15日内依法向人民法院提起行政诉讼。";
const R1_NOTICE: &str = "如对本处理决定不服，可以自收到本告知书之日起60日内向{reconsideration_body}申请行政复议，或者自收到本告知书之日起6个月内向{court}提起行政诉讼。";

/// A sentence only the right decision paragraph contains.
fn key_sentence(code: &str) -> &'static str {
    match code {
        "disclosed_already_public" => {
            "已由本机关主动公开。根据《中华人民共和国政府信息公开条例》第三十六条第（一）项"
        }
        "disclosed" => "第三十六条第（二）项的规定，本机关向您提供该政府信息（见附件）",
        "partially_disclosed" => "第三十七条的规定，本机关向您提供可以公开的政府信息内容",
        "withheld_state_secret" => {
            "属于依法确定为国家秘密的政府信息。根据《中华人民共和国政府信息公开条例》第十四条和第三十六条第（三）项"
        }
        "withheld_prohibited_by_law" => "属于法律、行政法规禁止公开的政府信息",
        "withheld_three_safeties" => "可能危及国家安全、公共安全、经济安全、社会稳定",
        "withheld_third_party" => "第十五条、第三十二条和第三十六条第（三）项",
        "withheld_internal_affairs" => {
            "内部事务信息。根据《中华人民共和国政府信息公开条例》第十六条第一款"
        }
        "withheld_process_info" => {
            "过程性信息。根据《中华人民共和国政府信息公开条例》第十六条第二款和第三十六条第（三）项的规定，本机关决定不予公开"
        }
        "withheld_enforcement_file" => {
            "行政执法案卷信息。根据《中华人民共和国政府信息公开条例》第十六条第二款"
        }
        "withheld_administrative_inquiry" => {
            "第三十六条第（七）项的规定，请您依照有关法律、行政法规的规定办理"
        }
        "unavailable_not_held" => "第三十六条第（四）项的规定，告知您该政府信息不存在",
        "unavailable_not_this_agency" => {
            "第三十六条第（五）项的规定，建议您向杭州市上城区城市管理局"
        }
        "unavailable_needs_creation" => "第三十八条的规定，本机关不予提供",
        "unavailable_unclear_after_correction" => "补正后的申请内容仍不明确",
        "not_processed_petition" => "第三十九条第一款的规定，本机关不作为政府信息公开申请处理",
        "not_processed_repeat" => "第三十六条第（六）项的规定，本机关不予重复处理",
        "not_processed_publication" => "第三十九条第二款的规定，告知您获取的途径",
        "not_processed_mass" => "第三十五条的规定，本机关对您的申请不予处理",
        "not_processed_confirmation" => "要求本机关确认或者重新出具您已获取的信息",
        "other" => "本机关对您的申请作如下处理：",
        other => panic!("no key sentence for {other}"),
    }
}

fn assert_has(text: &str, needle: &str, what: &str) {
    assert!(text.contains(needle), "{what}: {needle:?} not in {text}");
}

#[test]
fn every_reply_variant_prints_its_decision_and_remedy() {
    let codes: Vec<&str> = Disposition::ALL
        .iter()
        .filter(|d| d.is_reply())
        .map(|d| d.as_str())
        .collect();
    assert_eq!(codes.len(), 21);
    for code in codes {
        let d = data(LetterKind::Reply, Some(code));
        let text = extracted(&d, &format!("reply-{code}"));
        let what = format!("reply {code}");
        assert_has(&text, "政府信息公开申请答复书", &what);
        assert_has(&text, NUMBER, &what);
        assert_has(&text, &format!("{APPLICANT}："), &what);
        assert_has(
            &text,
            "收到您通过政府信息公开申请平台提出的政府信息公开申请",
            &what,
        );
        assert_has(&text, key_sentence(code), &what);
        assert_has(&text, "杭州市上城区住房和城乡建设局2026年3月20日", &what);
        let disposition = Disposition::parse(code).unwrap_or_else(|| panic!("{code}"));
        let (wanted, unwanted) = match disposition.remedy() {
            Remedy::General => (R1, R2),
            Remedy::ReconsiderationFirst => (R2, R1),
            Remedy::None => panic!("{code} has a letter"),
        };
        assert_has(&text, &fill(wanted), &what);
        assert!(
            !text.contains(&fill(unwanted)),
            "{what}: wrong remedy clause"
        );
        // 复议前置 for every answer counted as 不予公开 or 部分公开, 36(七) among them.
        if code.starts_with("withheld_") || code == "partially_disclosed" {
            assert_has(&text, &fill(R2), &what);
        }
        for field in d.fields.values() {
            let field: String = field.chars().filter(|c| !c.is_whitespace()).collect();
            assert_has(
                &text,
                field.trim_end_matches('。'),
                &format!("{what}, a value"),
            );
        }
    }
}

#[test]
fn the_lapses_have_no_reply_letter() {
    for code in [
        "other_correction_overdue",
        "other_fee_unpaid",
        "other_withdrawn",
    ] {
        let mut d = data(LetterKind::Reply, Some("disclosed"));
        d.variant = Some(code.to_owned());
        assert!(matches!(
            templates().render(&d),
            Err(LetterError::Template(TemplateError::NoLetter { .. }))
        ));
    }
}

#[test]
fn every_not_processed_notice_carries_r1() {
    for d in Disposition::ALL
        .iter()
        .filter(|d| d.as_str().starts_with("not_processed_"))
    {
        let code = d.as_str();
        let data = data(LetterKind::NotProcessedNotice, Some(code));
        let text = extracted(&data, &format!("not_processed_notice-{code}"));
        let what = format!("not_processed_notice {code}");
        assert_has(&text, "政府信息公开申请不予处理告知书", &what);
        assert_has(&text, NUMBER, &what);
        assert_has(&text, &format!("{APPLICANT}："), &what);
        assert_has(&text, key_sentence(code), &what);
        assert_has(&text, &fill(R1_NOTICE), &what);
        assert_has(&text, "特此告知。", &what);
    }
}

#[test]
fn procedural_notices_print_their_content_and_no_remedy() {
    let cases: [(LetterKind, &str, &[&str]); 8] = [
        (
            LetterKind::Receipt,
            "政府信息公开申请接收回执",
            &[
                "本机关将自收到申请之日起20个工作日内（即2026年3月30日前）予以答复",
                "登记编号为ZJ-HZ-SC-2026-000123",
            ],
        ),
        (
            LetterKind::CorrectionNotice,
            "政府信息公开申请补正告知书",
            &[
                "一、请明确所申请政府信息的名称、文号或者其他特征性描述。二、请提供有效的身份证明。",
                "请您于2026年3月27日前对上述事项一并作出补正",
                "无正当理由逾期不补正的，视为放弃申请",
            ],
        ),
        (
            LetterKind::ExtensionNotice,
            "政府信息公开申请延期答复告知书",
            &[
                "本机关无法在法定期限内作出答复，原因如下：该报告为审查过程中形成的讨论稿，尚未定稿。根据",
                "答复期限延长20个工作日，本机关将于2026年3月30日前作出答复",
            ],
        ),
        (
            LetterKind::ThirdPartyConsultation,
            "政府信息公开第三方意见征求书",
            &[
                "所涉物业服务合同及其附件可能涉及贵单位（您）的商业秘密",
                "第三十二条的规定，现书面征求贵单位（您）的意见",
                "附件：政府信息公开第三方意见回执",
            ],
        ),
        (
            LetterKind::AgencyConsultation,
            "政府信息公开征求意见函",
            &[
                "第三十四条的规定，现征求贵机关的意见",
                "逾期未提出意见的，视为同意公开",
            ],
        ),
        (
            LetterKind::FeeNotice,
            "政府信息公开信息处理费收费通知书",
            &[
                "本机关决定对本件申请收取信息处理费",
                "二、收费金额：人民币300元。",
                "请您自收到本通知次日起20个工作日内缴纳费用",
                "特此通知。",
            ],
        ),
        (
            LetterKind::ReasonsRequest,
            "政府信息公开申请说明理由告知书",
            &["第三十五条的规定，请您于2026年3月27日前向本机关说明理由"],
        ),
        (
            LetterKind::LaterDeadlineNotice,
            "政府信息公开申请延迟答复告知书",
            &["第三十五条的规定，本机关确定延迟答复的合理期限"],
        ),
    ];
    for (kind, title, sentences) in cases {
        let d = data(kind, None);
        let text = extracted(&d, kind.code());
        let what = kind.code();
        assert_has(&text, title, what);
        assert_has(&text, NUMBER, what);
        assert_has(&text, "杭州市上城区住房和城乡建设局2026年3月20日", what);
        assert_has(
            &text,
            "（联系人：王明，联系电话：0571-87001234；文书核验码：K7M2-Q9PX-4HTW）",
            what,
        );
        for sentence in sentences {
            assert_has(&text, sentence, what);
        }
        assert!(!text.contains("行政复议"), "{what} carries a remedy clause");
        assert!(!text.contains("行政诉讼"), "{what} carries a remedy clause");
        let consultation = matches!(
            kind,
            LetterKind::ThirdPartyConsultation | LetterKind::AgencyConsultation
        );
        if consultation {
            assert_has(&text, &format!("{PARTY}："), what);
            assert!(!text.contains(APPLICANT), "{what} names the applicant");
        } else {
            assert_has(&text, &format!("{APPLICANT}："), what);
        }
    }
}

/// The fonts `pdffonts` lists, without the subset tags, after checking that each is
/// embedded, subset (tagged ABCDEF+Name) and has a ToUnicode map.
fn embedded_subsets(pdf: &[u8], name: &str) -> Vec<String> {
    let out = poppler("pdffonts", &[], pdf, name);
    let rows: Vec<&str> = out
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "no fonts:\n{out}");
    let mut names = Vec::new();
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let name = cols.first().copied().unwrap_or_default();
        // A subset's name carries a six-letter tag: ABCDEF+Name.
        let tagged = name.len() > 7
            && name.as_bytes()[6] == b'+'
            && name[..6].bytes().all(|b| b.is_ascii_uppercase());
        assert!(tagged, "not tagged as a subset: {row}\n{out}");
        // Columns from the right: object ID (2), uni, sub, emb.
        let n = cols.len();
        assert!(n >= 6, "{row}");
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb/sub/uni: {row}\n{out}"
        );
        names.push(name[7..].to_owned());
    }
    names.sort();
    names
}

/// The text pieces of a PDF with the font each is set in (family without the subset tag, and
/// whether poppler reports it bold), from `pdftohtml -xml`.
fn text_by_font(pdf: &[u8], name: &str) -> Vec<(String, bool, String)> {
    let xml = poppler("pdftohtml", &["-xml", "-i", "-stdout", "-q"], pdf, name);
    let attr = |line: &str, key: &str| -> Option<String> {
        let start = line.find(&format!(" {key}=\""))? + key.len() + 3;
        let len = line[start..].find('"')?;
        Some(line[start..start + len].to_owned())
    };
    let mut families = BTreeMap::new();
    let mut pieces = Vec::new();
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<fontspec") {
            if let (Some(id), Some(family)) = (attr(line, "id"), attr(line, "family")) {
                let family = family
                    .split_once('+')
                    .map_or(family.clone(), |(_, f)| f.to_owned());
                families.insert(id, family);
            }
        } else if line.starts_with("<text") {
            let font = attr(line, "font").unwrap_or_default();
            let inner = line
                .split_once('>')
                .map(|(_, rest)| rest.trim_end_matches("</text>"))
                .unwrap_or_default();
            let bold = inner.contains("<b>");
            let text = inner.replace("<b>", "").replace("</b>", "");
            let family = families.get(&font).cloned().unwrap_or_default();
            pieces.push((family, bold, text));
        }
    }
    assert!(!pieces.is_empty(), "no text in:\n{xml}");
    pieces
}

#[test]
fn the_fonts_are_embedded_as_subsets() {
    // The applicant 张堃喆 needs the fallback: 堃喆 are not in FandolFang.
    let pdf = render(&data(LetterKind::Reply, Some("withheld_process_info")));
    assert_eq!(
        embedded_subsets(&pdf, "fonts"),
        [
            "FandolFang-Regular",
            "NotoSerifCJKsc-Bold",
            "NotoSerifCJKsc-Regular"
        ]
    );
    assert!(
        pdf.len() < 150_000,
        "a one-page letter is {} bytes",
        pdf.len()
    );
}

#[test]
fn the_fallback_face_is_embedded_only_when_needed() {
    let mut d = data(LetterKind::Receipt, None);
    d.fields.insert("applicant_name".into(), "王明".into());
    let pdf = render(&d);
    assert_eq!(
        embedded_subsets(&pdf, "no-fallback"),
        ["FandolFang-Regular", "NotoSerifCJKsc-Bold"]
    );
}

#[test]
fn the_title_is_noto_serif_bold_and_the_body_fandolfang() {
    let pdf = render(&data(LetterKind::Receipt, None));
    let pieces = text_by_font(&pdf, "faces");
    let face_of = |needle: &str| {
        pieces
            .iter()
            .find(|(_, _, text)| text.contains(needle))
            .map(|(family, bold, _)| (family.as_str(), *bold))
            .unwrap_or_else(|| panic!("{needle:?} not found in {pieces:?}"))
    };
    assert_eq!(
        face_of("政府信息公开申请接收回执"),
        ("NotoSerifCJKsc", true)
    );
    assert_eq!(face_of(NUMBER), ("FandolFang", false));
    assert_eq!(face_of("本机关于2026年3月2日收到您"), ("FandolFang", false));
    assert_eq!(
        face_of("杭州市上城区住房和城乡建设局"),
        ("FandolFang", false)
    );
    assert_eq!(face_of("2026年3月20日"), ("FandolFang", false));
}

#[test]
fn a_name_character_fandolfang_lacks_prints_through_the_fallback() {
    // None of these is in FandolFang (GB2312); all are in Noto Serif CJK SC (䶮 is in
    // CJK Extension A).
    let name = "张堃喆昇珺玥䶮";
    let mut d = data(LetterKind::Receipt, None);
    d.fields.insert("applicant_name".into(), name.into());
    let text = extracted(&d, "fallback");
    assert_has(&text, &format!("{name}："), "fallback");
    let pieces = text_by_font(&render(&d), "fallback-faces");
    let fallback: String = pieces
        .iter()
        .filter(|(family, bold, _)| family == "NotoSerifCJKsc" && !bold)
        .map(|(_, _, text)| text.as_str())
        .collect();
    assert_eq!(fallback, "堃喆昇珺玥䶮", "{pieces:?}");
    assert!(
        pieces
            .iter()
            .any(|(family, _, text)| family == "FandolFang" && text.contains('张')),
        "{pieces:?}"
    );
}

#[test]
fn a_character_no_font_has_is_refused() {
    let mut d = data(LetterKind::Receipt, None);
    d.fields
        .insert("applicant_name".into(), "张\u{20000}".into());
    assert_eq!(
        templates().render(&d).err(),
        Some(LetterError::MissingGlyph {
            field: "applicant_name".into(),
            ch: '\u{20000}'
        })
    );
}

#[test]
fn long_reasons_run_onto_a_second_page_with_page_numbers() {
    let mut d = data(LetterKind::Reply, Some("withheld_process_info"));
    let long = "该报告系审查过程中形成的讨论稿，记载了各参建单位尚未形成定论的意见，公开后可能误导社会公众，".repeat(20);
    d.fields
        .insert("reasons".into(), format!("{long}故不予公开"));
    assert!(templates().page_count(&d).unwrap_or(0) >= 2);
    let pdf = render(&d);
    assert!(
        pdf.len() < 150_000,
        "the long letter is {} bytes",
        pdf.len()
    );
    let raw = poppler("pdftotext", &["-enc", "UTF-8"], &pdf, "long");
    let pages: Vec<&str> = raw
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "{raw}");
    let numbers: Vec<&str> = raw.lines().filter(|l| is_page_number(l)).collect();
    assert_eq!(
        numbers.len(),
        pages.len(),
        "one page number per page: {raw}"
    );
    assert!(
        numbers[0].contains('1') && numbers[1].contains('2'),
        "{numbers:?}"
    );
    let flat = flatten(&raw);
    assert_has(&flat, &fill(R2), "long");
    // The signature and date never stand alone on the last page.
    let last = pages.last().copied().unwrap_or_default();
    let body_lines = last
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| !l.contains("杭州市上城区住房和城乡建设局") && !l.contains("2026年3月20日"))
        .filter(|l| !l.contains("联系人") && !l.contains('—'))
        .count();
    assert!(body_lines >= 1, "signature alone on the last page: {last}");
}

#[test]
fn no_line_starts_with_closing_punctuation() {
    const CLOSING: &str = "，。；：、）」』”";
    let mut letters = vec![];
    for kind in LetterKind::ALL {
        match kind {
            LetterKind::Reply => {
                for d in Disposition::ALL.iter().filter(|d| d.is_reply()) {
                    letters.push(data(kind, Some(d.as_str())));
                }
            }
            LetterKind::NotProcessedNotice => letters.push(data(kind, Some("not_processed_mass"))),
            _ => letters.push(data(kind, None)),
        }
    }
    // Reasons of every length, so the breaks fall on every kind of punctuation.
    for n in 0..40 {
        let mut d = data(LetterKind::Reply, Some("withheld_internal_affairs"));
        let reasons = format!(
            "{}，该信息属于本机关“内部管理”（人事）事项；依照规定：不予公开、不予提供」』。",
            "内".repeat(n)
        );
        d.fields.insert("reasons".into(), reasons.repeat(3));
        letters.push(d);
    }
    for d in &letters {
        let text = templates()
            .text(d)
            .unwrap_or_else(|e| panic!("{} {:?}: {e}", d.kind, d.variant));
        assert!(text.contains(NUMBER));
        for line in text.lines() {
            let first = line.trim_start_matches('\u{3000}').chars().next();
            assert!(
                !first.is_some_and(|c| CLOSING.contains(c)),
                "{} {:?}: line starts with punctuation: {line}\n{text}",
                d.kind,
                d.variant
            );
        }
    }
}

#[test]
fn text_shows_the_laid_out_letter() {
    let text = templates()
        .text(&data(LetterKind::Receipt, None))
        .unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "政府信息公开申请接收回执");
    assert_eq!(lines[1], NUMBER);
    assert_eq!(lines[2], "");
    assert_eq!(lines[3], format!("{APPLICANT}："));
    assert!(lines[4].starts_with("\u{3000}\u{3000}本机关于2026年3月2日收到您"));
    assert!(lines.contains(&"杭州市上城区住房和城乡建设局"));
    assert!(lines.contains(&"2026年3月20日"));
    // 28 characters to a line on the grid, one more when a closing mark is pushed in.
    for line in &lines {
        if line.is_ascii() || line.chars().any(|c| c.is_ascii()) {
            continue;
        }
        assert!(line.chars().count() <= 29, "{line}\n{text}");
    }
}

#[test]
fn placeholders_follow_the_disposition() {
    let t = templates();
    let withheld = t
        .placeholders(LetterKind::Reply, Some("withheld_process_info"))
        .unwrap_or_default();
    assert!(withheld.contains(&"reasons".to_owned()));
    assert!(withheld.contains(&"reconsideration_body".to_owned()));
    assert!(!withheld.contains(&"court".to_owned()), "R2 names no court");
    let disclosed = t
        .placeholders(LetterKind::Reply, Some("disclosed"))
        .unwrap_or_default();
    assert!(disclosed.contains(&"court".to_owned()));
    assert!(disclosed.contains(&"provided".to_owned()));
    assert!(!disclosed.contains(&"reasons".to_owned()));
    let receipt = t
        .placeholders(LetterKind::Receipt, None)
        .unwrap_or_default();
    assert!(!receipt.contains(&"reconsideration_body".to_owned()));
    assert!(matches!(
        t.placeholders(LetterKind::Reply, None),
        Err(TemplateError::VariantRequired { .. })
    ));
    assert!(matches!(
        t.placeholders(LetterKind::Reply, Some("granted")),
        Err(TemplateError::UnknownVariant { .. })
    ));
}

#[test]
fn a_missing_field_is_named() {
    let mut d = data(LetterKind::Reply, Some("withheld_process_info"));
    d.fields.remove("reasons");
    assert_eq!(
        templates().render(&d).err(),
        Some(LetterError::MissingField {
            field: "reasons".into()
        })
    );
}

/// Every letter's model (its kind, variant, number and the fields it prints) and its laid-out
/// text, as reviewed snapshots in `tests/snapshots/`: a wording or layout change shows up as a
/// diff to accept (`INSTA_UPDATE=always cargo test -p yishen-letters`) or reject. The PDF
/// bytes are not snapshotted; they vary with the font subsetter.
#[test]
fn letter_models_and_texts_match_their_snapshots() {
    let mut cases: Vec<(LetterKind, Option<&str>)> = LetterKind::ALL
        .into_iter()
        .filter(|k| !matches!(k, LetterKind::Reply | LetterKind::NotProcessedNotice))
        .map(|k| (k, None))
        .collect();
    for d in Disposition::ALL.iter().filter(|d| d.is_reply()) {
        let kind = if d.as_str().starts_with("not_processed_") {
            LetterKind::NotProcessedNotice
        } else {
            LetterKind::Reply
        };
        cases.push((kind, Some(d.as_str())));
    }
    for (kind, variant) in cases {
        let d = data(kind, variant);
        let text = templates()
            .text(&d)
            .unwrap_or_else(|e| panic!("{kind} {variant:?}: {e}"));
        let name = match variant {
            Some(v) => format!("{}__{v}", kind.code()),
            None => kind.code().to_owned(),
        };
        insta::assert_snapshot!(name, format!("{d:#?}\n--- text ---\n{text}"));
    }
}

#[test]
fn the_pdf_says_what_it_is_who_issued_it_and_when() {
    let mut data = data(LetterKind::Reply, Some("disclosed"));
    data.number = "上城建依申复〔2026〕12号".into();
    let info = poppler("pdfinfo", &["-enc", "UTF-8"], &render(&data), "info");
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} in {info}"))
            .to_owned()
    };
    assert_eq!(field("Title"), "政府信息公开申请答复书");
    assert_eq!(field("Author"), "杭州市上城区住房和城乡建设局");
    assert_eq!(field("Subject"), "上城建依申复〔2026〕12号");
    assert_eq!(field("Creator"), "依申");
    // The printed date, not 1970 (pdfinfo shows it in the machine's own zone).
    let created = field("CreationDate");
    assert!(
        created.contains("2026") && !created.contains("1970"),
        "{created}"
    );
}

/// The QR code printed on a letter, read back from the page as a phone would read it: the last
/// page rasterised by poppler's `pdftoppm` (greyscale PGM) and decoded with rqrr.
#[test]
fn every_letter_carries_a_qr_code_of_its_verification_page() {
    let t = Templates::shipped()
        .unwrap_or_else(|e| panic!("{e}"))
        .with_verify_base("https://yishen.example.gov.cn/");
    for (kind, variant) in [
        (LetterKind::Receipt, None),
        (LetterKind::Reply, Some("partially_disclosed")),
        (LetterKind::Reply, Some("withheld_process_info")),
    ] {
        let d = data(kind, variant);
        let pdf = t.render(&d).unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("letter.pdf");
        std::fs::write(&path, &pdf).unwrap_or_else(|e| panic!("write: {e}"));
        if let Ok(keep) = std::env::var("YISHEN_LETTERS_KEEP") {
            let name = format!("qr-{kind}-{}.pdf", variant.unwrap_or("-"));
            let _ = std::fs::write(PathBuf::from(keep).join(name), &pdf);
        }
        let pages = t.page_count(&d).unwrap_or_else(|e| panic!("{e}"));
        let out = Command::new("pdftoppm")
            .args([
                "-gray",
                "-r",
                "200",
                "-f",
                &pages.to_string(),
                "-l",
                &pages.to_string(),
            ])
            .arg(&path)
            .arg(dir.path().join("page"))
            .output()
            .unwrap_or_else(|e| panic!("pdftoppm (poppler-utils) must be installed: {e}"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pgm = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "pgm"))
            .unwrap_or_else(|| panic!("no page image"));
        let (width, height, pixels) =
            read_pgm(&std::fs::read(pgm).unwrap_or_else(|e| panic!("{e}")));
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
            pixels[y * width + x]
        });
        let grids = img.detect_grids();
        assert_eq!(
            grids.len(),
            1,
            "{kind} {variant:?}: one QR code on the last page"
        );
        let (_, content) = grids[0].decode().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            content, "https://yishen.example.gov.cn/verify/K7M2-Q9PX-4HTW",
            "{kind} {variant:?}"
        );
    }
    // Without a public address there is none: the page is the QR code's squares lighter.
    let d = data(LetterKind::Receipt, None);
    let with = t.render(&d).map(|p| p.len()).unwrap_or_default();
    let without = templates().render(&d).map(|p| p.len()).unwrap_or_default();
    assert!(with > without, "{with} > {without}");
}

/// A binary greyscale PGM (P5, 8-bit): width, height, pixels.
fn read_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "a binary greyscale PGM");
    let width: usize = fields[1].parse().unwrap_or_else(|e| panic!("{e}"));
    let height: usize = fields[2].parse().unwrap_or_else(|e| panic!("{e}"));
    let pixels = bytes[i + 1..].to_vec();
    assert_eq!(pixels.len(), width * height);
    (width, height, pixels)
}

/// A red ring seal on a clear ground, `side` px square, as a PNG.
fn seal_png(side: u32) -> Vec<u8> {
    let c = side as f32 / 2.0;
    let img = image::RgbaImage::from_fn(side, side, |x, y| {
        let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
        if (d > c * 0.86 && d < c * 0.97) || d < c * 0.25 {
            image::Rgba([214, 20, 28, 255])
        } else {
            image::Rgba([255, 255, 255, 0])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("{e}"));
    out.into_inner()
}

/// Words on one page as `pdftotext -bbox` reports them: text, xMin, yMin, xMax, yMax (points,
/// origin at the top left).
fn word_boxes(pdf: &[u8], page: usize, name: &str) -> Vec<(String, f32, f32, f32, f32)> {
    let p = page.to_string();
    let html = poppler("pdftotext", &["-bbox", "-f", &p, "-l", &p], pdf, name);
    html.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("<word ")?;
            let attr = |key: &str| -> Option<f32> {
                let start = rest.find(&format!("{key}=\""))? + key.len() + 2;
                let end = start + rest[start..].find('"')?;
                rest[start..end].parse().ok()
            };
            let text = rest[rest.find('>')? + 1..rest.find("</word>")?].to_owned();
            Some((
                text,
                attr("xMin")?,
                attr("yMin")?,
                attr("xMax")?,
                attr("yMax")?,
            ))
        })
        .collect()
}

/// The bounding box (points, top-left origin) of the red pixels of a page rendered at `dpi`,
/// or `None` when the page has none.
fn red_box(pdf: &[u8], page: usize, dpi: u32) -> Option<(f32, f32, f32, f32)> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("write: {e}"));
    let p = page.to_string();
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", &dpi.to_string(), "-f", &p, "-l", &p])
        .arg(&path)
        .arg(dir.path().join("page"))
        .output()
        .unwrap_or_else(|e| panic!("pdftoppm (poppler-utils) must be installed: {e}"));
    assert!(out.status.success());
    let ppm = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .unwrap_or_else(|| panic!("no page image"));
    let img = image::open(ppm).unwrap_or_else(|e| panic!("{e}")).to_rgb8();
    let scale = 72.0 / dpi as f32;
    let mut found: Option<(u32, u32, u32, u32)> = None;
    for (x, y, px) in img.enumerate_pixels() {
        let [r, g, b] = px.0;
        if r > 150 && g < 100 && b < 100 {
            found = Some(match found {
                None => (x, y, x, y),
                Some((a, b0, c, d)) => (a.min(x), b0.min(y), c.max(x), d.max(y)),
            });
        }
    }
    found.map(|(a, b, c, d)| {
        (
            a as f32 * scale,
            b as f32 * scale,
            (c + 1) as f32 * scale,
            (d + 1) as f32 * scale,
        )
    })
}

/// GB/T 9704-2012 7.3.5.1 read off the rendered pages: the seal is red, on the last page only,
/// centred over the date with the agency centred over the date too, both below the seal's
/// centre, its top within one line of the last body line; the text under it still reads.
#[test]
fn a_sealed_letter_presses_the_seal_over_the_signature_and_date() {
    let seal = yishen_letters::Seal::from_png(&seal_png(900), 42).unwrap_or_else(|e| panic!("{e}"));
    let mut long = data(LetterKind::Reply, Some("withheld_process_info"));
    long.fields.insert(
        "reasons".into(),
        "该报告为审查过程中形成的讨论稿，尚未定稿".repeat(14),
    );
    for (name, d) in [
        ("sealed-receipt", data(LetterKind::Receipt, None)),
        (
            "sealed-partial",
            data(LetterKind::Reply, Some("partially_disclosed")),
        ),
        ("sealed-long", long),
    ] {
        let pdf = templates()
            .render_sealed(&d, Some(&seal))
            .unwrap_or_else(|e| panic!("{e}"));
        if let Ok(keep) = std::env::var("YISHEN_LETTERS_KEEP") {
            let _ = std::fs::create_dir_all(&keep);
            let _ = std::fs::write(PathBuf::from(keep).join(format!("{name}.pdf")), &pdf);
        }
        let text = templates()
            .text_sealed(&d, Some(&seal))
            .unwrap_or_else(|e| panic!("{e}"));
        let pages = text.split('\u{c}').count();
        for page in 1..pages {
            assert_eq!(
                red_box(&pdf, page, 72),
                None,
                "{name}: no seal on page {page}"
            );
        }
        let (x0, y0, x1, y1) =
            red_box(&pdf, pages, 150).unwrap_or_else(|| panic!("{name}: no red seal"));
        // 42 mm wide, the ring almost fills the image.
        let width = x1 - x0;
        assert!(
            (105.0..=121.0).contains(&width),
            "{name}: seal {width} pt wide"
        );
        let words = word_boxes(&pdf, pages, name);
        let find =
            |t: &str| {
                words.iter().find(|w| w.0 == t).cloned().unwrap_or_else(|| {
                    panic!("{name}: {t:?} not read back under the seal: {words:?}")
                })
            };
        let date = find("2026年3月20日");
        let agency = find("杭州市上城区住房和城乡建设局");
        let centre = |w: &(String, f32, f32, f32, f32)| ((w.1 + w.3) / 2.0, (w.2 + w.4) / 2.0);
        let (seal_cx, seal_cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        assert!(
            (centre(&date).0 - seal_cx).abs() < 3.0,
            "{name}: seal centred on the date"
        );
        assert!(
            (centre(&agency).0 - seal_cx).abs() < 3.0,
            "{name}: agency centred on the date"
        );
        assert!(
            centre(&agency).1 > seal_cy && centre(&date).1 > seal_cy,
            "{name}: both below the seal's centre"
        );
        assert!(
            date.4 < y1 && agency.2 > y0,
            "{name}: the seal presses on both"
        );
        // The date 右空四字: its right end 4 字 (63.2 pt) inside the type area's right edge.
        let right_edge = 28.0 * 72.0 / 25.4 + 156.0 * 72.0 / 25.4;
        assert!(
            (right_edge - date.3 - 4.0 * 15.79).abs() < 2.0,
            "{name}: date at {}",
            date.3
        );
        // The last body line is the lowest word above the seal; the seal's top lies within one
        // line (28.95 pt) below its foot and does not reach into its characters.
        let body = words
            .iter()
            .filter(|w| w.4 < y0 + 8.0 && w.1 < x0)
            .max_by(|a, b| a.4.total_cmp(&b.4))
            .unwrap_or_else(|| panic!("{name}: no body line above the seal"));
        assert!(
            y0 > body.4 - 1.0 && y0 - body.4 < 28.95,
            "{name}: seal top {y0}, body foot {}",
            body.4
        );
    }
    // Unsealed, nothing red is printed.
    let pdf = render(&data(LetterKind::Receipt, None));
    assert_eq!(red_box(&pdf, 1, 72), None);
}

/// Letters with what people really type, as snapshots and read back page by page: an
/// organisation applicant (贵单位 throughout, never 您), a request typed with its own 申请公开 and
/// full stop, a search record that starts with 经 and ends without a mark, reasons without a
/// final 。, and a partial disclosure withholding one part on each ground.
#[test]
fn awkward_real_inputs_read_as_sentences() {
    let org = "杭州市上城区望江街道某某社区股份经济合作社";
    let request = yishen_letters::quoted_request(
        "申请公开2025年本区旧城改造项目的会议纪要、征收补偿方案及社会稳定风险评估报告。",
    );
    let withheld = [
        "（一）征收补偿方案中涉及的评估机构报价部分，属于依法确定为国家秘密的政府信息，根据《中华人民共和国政府信息公开条例》第十四条的规定不予公开。",
        "（二）社会稳定风险评估报告，属于公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息，根据《中华人民共和国政府信息公开条例》第十四条的规定不予公开。",
        "（三）被征收人的身份证号码和联系电话，涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，根据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定不予公开。",
        "（四）会议纪要中涉及内部讨论的部分，属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定不予公开。",
        "（五）项目审计中的执法调查记录，属于行政执法案卷信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定不予公开。",
        "（六）会议纪要中的人事安排部分，属于人事管理、后勤管理、内部工作流程等方面的内部事务信息，根据《中华人民共和国政府信息公开条例》第十六条第一款的规定不予公开。",
        "（七）项目档案中的土地登记资料，属于行政查询事项，根据《中华人民共和国政府信息公开条例》第三十六条第（七）项的规定，请依照有关法律、行政法规的规定办理。",
        "（八）被征收房屋的测绘成果，属于法律、行政法规禁止公开的政府信息，根据《中华人民共和国政府信息公开条例》第十四条的规定不予公开。",
    ]
    .join("\n");
    let mut cases = Vec::new();
    for (kind, variant) in [
        (LetterKind::Receipt, None),
        (LetterKind::Reply, Some("partially_disclosed")),
        (LetterKind::Reply, Some("unavailable_not_held")),
        (LetterKind::Reply, Some("withheld_process_info")),
    ] {
        let mut d = data(kind, variant);
        let mut put = |k: &str, v: &str| {
            if d.fields.contains_key(k) {
                d.fields.insert(k.to_owned(), v.to_owned());
            }
        };
        put("applicant_name", org);
        put("addressee", "贵单位");
        put("request_content", &request);
        put("withheld", &withheld);
        put(
            "search_record",
            "经在本机关档案室、业务科室及电子公文系统以项目名称、年度为关键词检索，未找到该信息",
        );
        put("reasons", "该纪要为审查过程中形成的讨论稿，尚未定稿");
        cases.push((kind, variant, d));
    }
    for (kind, variant, d) in cases {
        let text = templates()
            .text(&d)
            .unwrap_or_else(|e| panic!("{kind} {variant:?}: {e}"));
        let name = format!("awkward__{}__{}", kind.code(), variant.unwrap_or("-"));
        insta::assert_snapshot!(name.clone(), text.clone());
        let flat = extracted(&d, &name);
        for (bad, why) in [
            ("您", "an organisation is 贵单位"),
            ("。”", "the request's own full stop inside the quote"),
            ("申请获取“申请公开", "the request's own 申请公开"),
            ("。。", "doubled marks"),
            ("，，", "doubled marks"),
            ("经经", "the search record's 经 after the template's"),
            ("withheld", "a code"),
            ("（不予公开：", "a catalogue label"),
        ] {
            assert!(!flat.contains(bad), "{name}: {why} ({bad}) in {flat}");
        }
        assert!(flat.contains("贵单位"), "{name}: addressed as 贵单位");
        assert!(flat.contains(org), "{name}: the organisation's name");
        if variant == Some("partially_disclosed") {
            for article in [
                "第十四条",
                "第十五条、第三十二条",
                "第十六条第一款",
                "第十六条第二款",
                "第三十六条第（七）项",
            ] {
                assert!(flat.contains(article), "{name}: {article}");
            }
        }
        // Quotes balance on every page.
        for page in text.split('\u{c}') {
            assert_eq!(
                page.matches('“').count(),
                page.matches('”').count(),
                "{name}: unbalanced quotes on a page: {page}"
            );
        }
    }
}
