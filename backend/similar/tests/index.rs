//! Behaviour of the similar-case index: persistence across restarts, rebuild = incremental,
//! filters, exclusions, snippets, uncommitted writes, markers and commit policies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use yishen_similar::{CaseDoc, CommitPolicy, Filter, Hit, Options, SimilarError, SimilarIndex};

const CASES: &str = include_str!("../../../fixtures/eval/similar/cases.jsonl");

fn corpus() -> Vec<CaseDoc> {
    CASES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let text = ["content", "description", "reply"]
                .iter()
                .filter_map(|k| v[k].as_str())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            CaseDoc {
                case_id: v["id"].as_i64().unwrap(),
                agency_path: v["agency_path"].as_str().unwrap().to_owned(),
                year: i32::try_from(v["year"].as_i64().unwrap()).unwrap(),
                disposition: v["disposition"].as_str().map(str::to_owned),
                text,
            }
        })
        .collect()
}

fn ids(hits: &[Hit]) -> Vec<i64> {
    hits.iter().map(|h| h.case_id).collect()
}

fn manual() -> Options {
    Options {
        commit: CommitPolicy::Manual,
        ..Options::default()
    }
}

const PROBES: [&str; 3] = [
    "拆迁补偿标准和评估报告",
    "公租房配租名单",
    "区政府常务会议纪要",
];

fn answers(index: &SimilarIndex) -> Vec<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for probe in PROBES {
        let hits = index.search(probe, &Filter::default(), 10).unwrap();
        out.push(hits.into_iter().map(|h| (h.case_id, h.snippet)).collect());
    }
    for id in [1, 100, 250] {
        let hits = index.like_case(id, &Filter::default(), 10).unwrap();
        out.push(hits.into_iter().map(|h| (h.case_id, h.snippet)).collect());
    }
    out
}

#[test]
fn the_index_after_a_restart_equals_the_index_before() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let (before_len, before_ids, before_answers) = {
        let index = SimilarIndex::open_with(dir.path(), manual()).unwrap();
        assert!(index.needs_rebuild(), "a new index asks to be rebuilt");
        index.rebuild(docs.clone()).unwrap();
        assert!(!index.needs_rebuild());
        (index.len(), index.case_ids().unwrap(), answers(&index))
    };
    let index = SimilarIndex::open(dir.path()).unwrap();
    assert!(!index.needs_rebuild());
    assert_eq!(index.len(), docs.len() as u64);
    assert_eq!(index.len(), before_len);
    assert_eq!(index.case_ids().unwrap(), before_ids);
    assert_eq!(answers(&index), before_answers);
    assert_eq!(
        index.doc(7).unwrap().as_ref(),
        docs.iter().find(|d| d.case_id == 7)
    );
}

#[test]
fn rebuild_equals_incremental_upserts() {
    let docs = corpus();
    let rebuilt = SimilarIndex::open_in_ram().unwrap();
    rebuilt.rebuild(docs.clone()).unwrap();

    let incremental = SimilarIndex::open_in_ram().unwrap();
    // One case at a time, with an update and a delete on the way, committing now and then.
    let mut stale = docs[3].clone();
    stale.text = "一段后来被改正的旧文本".into();
    incremental.upsert(&stale).unwrap();
    incremental
        .upsert(&CaseDoc {
            case_id: 999_999,
            agency_path: "p1".into(),
            year: 2020,
            disposition: None,
            text: "后来删除的案件".into(),
        })
        .unwrap();
    incremental.commit().unwrap();
    for (i, doc) in docs.iter().enumerate() {
        incremental.upsert(doc).unwrap();
        if i % 50 == 0 {
            incremental.commit().unwrap();
        }
    }
    incremental.delete(999_999).unwrap();
    incremental.commit().unwrap();

    assert_eq!(rebuilt.len(), incremental.len());
    assert_eq!(rebuilt.case_ids().unwrap(), incremental.case_ids().unwrap());
    for id in rebuilt.case_ids().unwrap() {
        assert_eq!(rebuilt.doc(id).unwrap(), incremental.doc(id).unwrap());
    }
    let a = answers(&rebuilt);
    let b = answers(&incremental);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            x.iter().map(|h| h.0).collect::<Vec<_>>(),
            y.iter().map(|h| h.0).collect::<Vec<_>>()
        );
    }
}

#[test]
fn like_case_never_returns_the_case_itself_and_finds_its_matter() {
    let index = SimilarIndex::open_in_ram().unwrap();
    index.rebuild(corpus()).unwrap();
    for id in 1..=60 {
        let hits = index.like_case(id, &Filter::default(), 10).unwrap();
        assert!(!ids(&hits).contains(&id), "case {id} suggested itself");
    }
    // Case 1 is about the 幸福路 expropriation: cases 2–4 are the same matter, 1–13 the topic.
    let hits = index.like_case(1, &Filter::default(), 5).unwrap();
    let found = ids(&hits);
    assert!(found.iter().all(|id| (2..=13).contains(id)), "{found:?}");
    assert!(found.iter().any(|id| (2..=4).contains(id)), "{found:?}");
    assert!(matches!(
        index.like_case(123_456, &Filter::default(), 5),
        Err(SimilarError::UnknownCase(123_456))
    ));
}

#[test]
fn filters_restrict_by_years_agency_disposition_and_exclusions() {
    let docs = corpus();
    let index = SimilarIndex::open_in_ram().unwrap();
    index.rebuild(docs.clone()).unwrap();
    let by_id = |id: i64| docs.iter().find(|d| d.case_id == id).unwrap().clone();
    let query = "补偿";

    let years = Filter {
        years: Some(2019..=2020),
        ..Filter::default()
    };
    let hits = index.search(query, &years, 20).unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| (2019..=2020).contains(&by_id(h.case_id).year))
    );

    let agency = Filter {
        agency_path_prefix: Some("p1/c1/d1".into()),
        ..Filter::default()
    };
    let hits = index.search(query, &agency, 20).unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| by_id(h.case_id).agency_path.starts_with("p1/c1/d1/"))
    );
    // Segment-wise: "p1/c1/d" is no agency and matches nothing.
    let partial = Filter {
        agency_path_prefix: Some("p1/c1/d".into()),
        ..Filter::default()
    };
    assert!(index.search(query, &partial, 20).unwrap().is_empty());

    let visible = Filter {
        visible_agency_prefixes: Some(vec!["p1/c2".into(), "p1/c1/d2".into()]),
        ..Filter::default()
    };
    let hits = index.search("拆除 补偿 抽检", &visible, 30).unwrap();
    assert!(!hits.is_empty());
    for h in &hits {
        let path = by_id(h.case_id).agency_path;
        assert!(
            path.starts_with("p1/c2/") || path.starts_with("p1/c1/d2/"),
            "{path}"
        );
    }
    let nothing = Filter {
        visible_agency_prefixes: Some(vec![]),
        ..Filter::default()
    };
    assert!(index.search(query, &nothing, 20).unwrap().is_empty());

    let disposition = Filter {
        disposition: Some("withheld_enforcement_file".into()),
        ..Filter::default()
    };
    let hits = index.search("处罚 案卷 违建", &disposition, 20).unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| by_id(h.case_id).disposition.as_deref() == Some("withheld_enforcement_file"))
    );

    let all = ids(&index.search(query, &Filter::default(), 5).unwrap());
    let exclude = Filter {
        exclude: all[..2].to_vec(),
        ..Filter::default()
    };
    let rest = ids(&index.search(query, &exclude, 5).unwrap());
    assert!(!rest.contains(&all[0]) && !rest.contains(&all[1]));
    assert_eq!(rest[..3], all[2..5]);

    let combined = Filter {
        years: Some(2021..=2021),
        agency_path_prefix: Some("p1/c1".into()),
        disposition: Some("disclosed".into()),
        ..Filter::default()
    };
    for h in index.search(query, &combined, 20).unwrap() {
        let d = by_id(h.case_id);
        assert_eq!(
            (d.year, d.disposition.as_deref()),
            (2021, Some("disclosed"))
        );
        assert!(d.agency_path.starts_with("p1/c1/"));
    }
}

#[test]
fn snippets_bracket_the_matched_terms() {
    let index = SimilarIndex::open_in_ram().unwrap();
    index.rebuild(corpus()).unwrap();
    let hits = index
        .search("廉租房分配名单", &Filter::default(), 5)
        .unwrap();
    let top = &hits[0];
    assert!(!top.matched_terms.is_empty());
    for term in &top.matched_terms {
        if !term.starts_with('§') && top.snippet.contains(term.as_str()) {
            assert!(
                top.snippet.contains(&format!("【{term}"))
                    || top.snippet.contains(&format!("{term}】"))
                    || top.snippet.contains('【')
            );
        }
    }
    assert!(
        top.snippet.contains('【') && top.snippet.contains('】'),
        "{}",
        top.snippet
    );
    // Synonyms count: the cases say 公租房 or 公共租赁住房, the query 廉租房.
    assert!(hits.iter().any(|h| {
        h.matched_terms
            .iter()
            .any(|t| t == "公租房" || t == "公共租赁住房")
    }));
}

#[test]
fn uncommitted_writes_are_seen_by_doc_and_like_case_and_deletes_hide_hits() {
    let docs = corpus();
    let index = SimilarIndex::open_in_ram().unwrap();
    index.rebuild(docs.clone()).unwrap();
    let mut new_case = docs[0].clone();
    new_case.case_id = 5000;
    index.upsert(&new_case).unwrap();
    assert_eq!(index.doc(5000).unwrap().as_ref(), Some(&new_case));
    let hits = index.like_case(5000, &Filter::default(), 5).unwrap();
    assert!(ids(&hits).contains(&docs[0].case_id));
    assert_eq!(index.len(), docs.len() as u64, "not committed yet");

    let first = ids(&index.search("幸福路征收", &Filter::default(), 3).unwrap())[0];
    index.delete(first).unwrap();
    assert_eq!(index.doc(first).unwrap(), None);
    assert!(!ids(&index.search("幸福路征收", &Filter::default(), 10).unwrap()).contains(&first));
    index.commit().unwrap();
    assert_eq!(index.len(), docs.len() as u64);
}

#[test]
fn the_marker_survives_a_restart_and_interval_commits_happen_by_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    {
        let index = SimilarIndex::open_with(
            dir.path(),
            Options {
                commit: CommitPolicy::Interval(Duration::from_millis(50)),
                ..Options::default()
            },
        )
        .unwrap();
        index.upsert_many(&docs[..20]).unwrap();
        index.set_marker("event-42").unwrap();
        // A background commit may fall between the writes and the marker: wait for one that
        // carries both (a loaded machine runs the interval late).
        let mut waited = 0;
        while (index.len() < 20 || index.committed_marker().as_deref() != Some("event-42"))
            && waited < 250
        {
            std::thread::sleep(Duration::from_millis(20));
            waited += 1;
        }
        assert_eq!(index.len(), 20, "the background commit did not happen");
        assert_eq!(index.committed_marker().as_deref(), Some("event-42"));
        assert_eq!(index.last_commit_error(), None);
        // Written but not committed when dropped: drop commits.
        index.upsert(&docs[20]).unwrap();
    }
    let index = SimilarIndex::open_with(dir.path(), manual()).unwrap();
    assert_eq!(index.len(), 21);
    assert_eq!(index.committed_marker().as_deref(), Some("event-42"));
}

#[test]
fn every_write_policy_commits_in_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let index = SimilarIndex::open_with(
        dir.path(),
        Options {
            commit: CommitPolicy::EveryWrite,
            ..Options::default()
        },
    )
    .unwrap();
    let docs = corpus();
    index.upsert(&docs[0]).unwrap();
    assert_eq!(index.len(), 1);
    index.delete(docs[0].case_id).unwrap();
    assert_eq!(index.len(), 0);
}

#[test]
fn informative_terms_prefer_the_subject_over_boilerplate() {
    let index = SimilarIndex::open_in_ram().unwrap();
    index.rebuild(corpus()).unwrap();
    let terms: Vec<String> = index
        .informative_terms(
            "根据《政府信息公开条例》申请公开2022年度人才公寓分配名单的相关文件",
            3,
        )
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert!(terms.contains(&"人才公寓".to_owned()), "{terms:?}");
    for boilerplate in ["申请公开", "相关文件", "年度", "条例"] {
        assert!(!terms.contains(&boilerplate.to_owned()), "{terms:?}");
    }
}

#[test]
fn restatement_tells_a_reworded_request_from_the_next_question_about_the_same_matter() {
    let index = SimilarIndex::open_in_ram_with(manual()).unwrap();
    index.upsert_many(&corpus()).unwrap();
    let earlier = [
        (9001, "幸福路拓宽工程房屋征收补偿方案及房屋评估报告"),
        (9002, "幸福路拓宽工程的施工招标文件、中标通知书及施工合同"),
        (9003, "本区公租房配租名单及审核标准"),
    ];
    for (id, text) in earlier {
        index
            .upsert(&CaseDoc {
                case_id: id,
                agency_path: "p1/c1/d1/zsb".into(),
                year: 2023,
                disposition: Some("disclosed".into()),
                text: text.into(),
            })
            .unwrap();
    }
    index.commit().unwrap();
    let among: Vec<(i64, &str)> = earlier.to_vec();

    // The same information in other words (拆迁 for 征收, in another order).
    let again = index
        .restatement("幸福路拓宽工程房屋评估报告及房屋拆迁补偿方案", &among, 0.5)
        .unwrap();
    let score =
        |answers: &[(i64, f32)], id: i64| answers.iter().find(|(c, _)| *c == id).map(|(_, r)| *r);
    let reworded = score(&again, 9001).expect("the reworded request is answered");
    assert!(reworded >= 0.75, "reworded: {reworded}");
    assert!(score(&again, 9003).is_none(), "{again:?}");

    // Another record of the same project: the place carries weight both ways, but the
    // earlier request's record nouns are missing from this one.
    let next = index
        .restatement("幸福路拓宽工程的监理合同", &among, 0.5)
        .unwrap();
    let followup = score(&next, 9002).unwrap_or(0.0);
    assert!(
        followup < reworded,
        "follow-up {followup} vs reworded {reworded}"
    );
    assert!(followup < 0.75, "follow-up: {followup}");

    // At a higher bar only what reaches it is answered.
    let strict = index
        .restatement("幸福路拓宽工程房屋评估报告及房屋拆迁补偿方案", &among, 0.99)
        .unwrap();
    assert!(strict.iter().all(|(_, r)| *r >= 0.99), "{strict:?}");

    // An uncommitted write is read from its pending text; a deleted case is left out.
    index
        .upsert(&CaseDoc {
            case_id: 9004,
            agency_path: "p1/c1/d1/zsb".into(),
            year: 2024,
            disposition: None,
            text: "幸福路拓宽工程征收补偿方案和评估报告".into(),
        })
        .unwrap();
    index.delete(9001).unwrap();
    let pending = index
        .restatement(
            "幸福路拓宽工程房屋评估报告及房屋拆迁补偿方案",
            &[
                (9001, earlier[0].1),
                (9004, "幸福路拓宽工程征收补偿方案和评估报告"),
            ],
            0.5,
        )
        .unwrap();
    assert!(
        score(&pending, 9004).is_some_and(|r| r >= 0.75),
        "{pending:?}"
    );
    index.commit().unwrap();
    let after = index
        .restatement(
            "幸福路拓宽工程房屋评估报告及房屋拆迁补偿方案",
            &[(9001, earlier[0].1)],
            0.5,
        )
        .unwrap();
    assert!(after.is_empty(), "{after:?}");
}
