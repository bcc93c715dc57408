//! JSON read into typed inputs with the failure named by field, in Chinese: serde's own
//! message is English and has no path. Shared by the HTTP edge (request bodies, query strings)
//! and the import (one JSON object per line).

use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldIssue};

/// Decodes JSON, mapping failures to problems that name the field. Text that is not JSON is
/// malformed (400); JSON of the wrong shape names the field (422), whatever the shape — the
/// body is read as a JSON value first, so a map where a code is expected is a wrong type, not
/// a syntax error; a body that is not an object is refused as such. A number with a zero
/// fraction (`5.0`) is the integer it equals, as JSON Schema reads it.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| AppError::MalformedJson(e.to_string()))?;
    // Every body is an object; serde would also read a struct from an array of its fields.
    if !value.is_object() {
        return Err(AppError::Validation(vec![FieldIssue::new(
            "",
            "invalid_type",
            "应为JSON对象（{…}）",
        )]));
    }
    integral_floats(&mut value);
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        AppError::Validation(vec![describe(&path, &e.into_inner().to_string())])
    })
}

/// Replaces every float with no fractional part that an `i64` holds by that integer.
fn integral_floats(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *v = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_floats),
        _ => {}
    }
}

/// Turns serde's English message into a field issue in Chinese.
pub fn describe(path: &str, message: &str) -> FieldIssue {
    let base = if path == "." || path.is_empty() {
        ""
    } else {
        path
    };
    let quoted = message.split('`').nth(1).unwrap_or("");
    let join = |name: &str| {
        if base.is_empty() {
            name.to_owned()
        } else if name.is_empty() {
            base.to_owned()
        } else {
            format!("{base}.{name}")
        }
    };
    if message.starts_with("missing field") {
        FieldIssue::new(join(quoted), "required", "缺少必填字段")
    } else if message.starts_with("unknown field") {
        // The path already ends at the unknown field itself.
        let field = if base.ends_with(quoted) {
            base.to_owned()
        } else {
            join(quoted)
        };
        FieldIssue::new(field, "unknown_field", "不允许的字段")
    } else if message.starts_with("unknown variant") {
        let options: Vec<&str> = message
            .split("expected")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        FieldIssue::new(
            join(""),
            "invalid_value",
            format!("取值“{quoted}”无效，可选：{}", options.join("、")),
        )
    } else if message.starts_with("invalid type") {
        FieldIssue::new(join(""), "invalid_type", "字段类型不正确")
    } else if message.contains("input contains invalid characters")
        || message.contains("premature end of input")
        || message.contains("input is out of range")
        || message.contains("input is not enough")
        || message.contains("trailing input")
    {
        FieldIssue::new(join(""), "invalid_date", "日期格式应为 YYYY-MM-DD")
    } else {
        FieldIssue::new(join(""), "invalid_value", "取值无效")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        kind: Kind,
        on: chrono::NaiveDate,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Person,
        Organization,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Inner,
    }

    fn issue(body: &str) -> FieldIssue {
        match decode_json::<Outer>(body.as_bytes()) {
            Err(AppError::Validation(mut v)) => v.remove(0),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn failures_name_the_field() {
        let i = issue(r#"{"inner": {"kind": "person", "on": "2026-01-01"}}"#);
        assert_eq!((i.field.as_str(), i.code.as_str()), ("name", "required"));
        let i = issue(r#"{"name": "a", "x": 1, "inner": {"kind": "person", "on": "2026-01-01"}}"#);
        assert_eq!((i.field.as_str(), i.code.as_str()), ("x", "unknown_field"));
        let i = issue(r#"{"name": "a", "inner": {"kind": "robot", "on": "2026-01-01"}}"#);
        assert_eq!(
            (i.field.as_str(), i.code.as_str()),
            ("inner.kind", "invalid_value")
        );
        assert!(i.message.contains("person"));
        let i = issue(r#"{"name": 5, "inner": {"kind": "person", "on": "2026-01-01"}}"#);
        assert_eq!(
            (i.field.as_str(), i.code.as_str()),
            ("name", "invalid_type")
        );
        let i = issue(r#"{"name": "a", "inner": {"kind": "person", "on": "2026-13-01"}}"#);
        assert_eq!(
            (i.field.as_str(), i.code.as_str()),
            ("inner.on", "invalid_date")
        );
        let i = issue(r#"{"name": "a", "inner": {"kind": "person"}}"#);
        assert_eq!(
            (i.field.as_str(), i.code.as_str()),
            ("inner.on", "required")
        );
    }

    #[test]
    fn a_wrong_shape_is_a_field_problem_and_whole_floats_are_integers() {
        let i = issue(r#"{"name": "a", "inner": {"kind": {}, "on": "2026-01-01"}}"#);
        assert_eq!(i.field, "inner.kind");
        #[derive(Debug, Deserialize)]
        struct Count {
            n: u32,
            x: f64,
        }
        // serde would read a struct from an array of its fields; a body is an object.
        assert!(matches!(
            decode_json::<Count>(br#"[5, 2.5]"#),
            Err(AppError::Validation(_))
        ));
        let c: Count = decode_json(br#"{"n": 5.0, "x": 2.5}"#).expect("5.0 is 5");
        assert_eq!((c.n, c.x), (5, 2.5));
        assert!(matches!(
            decode_json::<Count>(br#"{"n": 5.5, "x": 1}"#),
            Err(AppError::Validation(_))
        ));
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        assert!(matches!(
            decode_json::<Outer>(b"{\"name\": "),
            Err(AppError::MalformedJson(_))
        ));
        assert!(matches!(
            decode_json::<Outer>(
                br#"{"name": "a", "inner": {"kind": "person", "on": "2026-01-01"}} x"#
            ),
            Err(AppError::MalformedJson(_))
        ));
    }
}
