//! Proactive-disclosure suggestions (条例44: "多个申请人就相同政府信息向同一行政机关提出公开申请，
//! 且该政府信息属于可以公开的，行政机关可以纳入主动公开的范围").
//!
//! "Several applicants" means several identity clusters — five names of one family are one
//! applicant here, as they are for the abuse rules. "Can be disclosed" means at least one of
//! the requests was answered with the information (予以公开 or 部分公开); groups still waiting
//! for a decision are not suggested yet. The suggestion lists the cases, so the agency sees
//! what was asked and what it answered; it carries no applicant data.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::CaseId;

/// A request the server's near-duplicate index considered for grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestItem {
    pub case: CaseId,
    /// The key of the case's identity cluster ([`super::Cluster::key`]).
    pub cluster: CaseId,
    pub agency: String,
    /// `Some(true)`: answered with the information (disclosed, partially disclosed);
    /// `Some(false)`: answered otherwise; `None`: not answered yet.
    pub disclosed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub case: CaseId,
    pub cluster: CaseId,
    pub disclosed: Option<bool>,
}

/// Near-duplicate requests to one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestGroup {
    pub agency: String,
    pub members: Vec<GroupMember>,
}

/// Groups requests to the same agency that the caller's index paired as near-duplicates
/// (transitively: A~B and B~C put A, B, C together). Only groups of two or more are returned,
/// ordered by agency and first case. Pairs across agencies or naming unknown cases are
/// ignored.
pub fn group_requests(items: &[RequestItem], pairs: &[(CaseId, CaseId)]) -> Vec<RequestGroup> {
    let index: HashMap<CaseId, usize> =
        items.iter().enumerate().map(|(i, r)| (r.case, i)).collect();
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (a, b) in pairs {
        let (Some(&i), Some(&j)) = (index.get(a), index.get(b)) else {
            continue;
        };
        if items[i].agency != items[j].agency {
            continue;
        }
        let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
        if ri != rj {
            parent[ri.max(rj)] = ri.min(rj);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..items.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<RequestGroup> = groups
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|g| {
            let mut members: Vec<GroupMember> = g
                .iter()
                .map(|&i| GroupMember {
                    case: items[i].case,
                    cluster: items[i].cluster,
                    disclosed: items[i].disclosed,
                })
                .collect();
            members.sort_by_key(|m| m.case);
            RequestGroup {
                agency: items[g[0]].agency.clone(),
                members,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.agency.cmp(&b.agency).then(
            a.members
                .first()
                .map(|m| m.case)
                .cmp(&b.members.first().map(|m| m.case)),
        )
    });
    out
}

/// A suggestion to publish information proactively (条例44).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationSuggestion {
    pub agency: String,
    /// Every case of the group, ascending.
    pub cases: Vec<CaseId>,
    /// Distinct identity clusters that asked.
    pub clusters: u32,
    /// The cases answered with the information.
    pub disclosed_in: Vec<CaseId>,
    pub summary: String,
}

/// Suggests publication for every group in which at least `min_clusters` distinct identity
/// clusters asked and at least one request was answered with the information.
pub fn suggest_publication(
    groups: &[RequestGroup],
    min_clusters: u32,
) -> Vec<PublicationSuggestion> {
    groups
        .iter()
        .filter_map(|g| {
            let clusters: BTreeSet<CaseId> = g.members.iter().map(|m| m.cluster).collect();
            let clusters = u32::try_from(clusters.len()).unwrap_or(u32::MAX);
            let mut disclosed_in: Vec<CaseId> = g
                .members
                .iter()
                .filter(|m| m.disclosed == Some(true))
                .map(|m| m.case)
                .collect();
            if clusters < min_clusters || disclosed_in.is_empty() {
                return None;
            }
            disclosed_in.sort_unstable();
            let mut cases: Vec<CaseId> = g.members.iter().map(|m| m.case).collect();
            cases.sort_unstable();
            cases.dedup();
            Some(PublicationSuggestion {
                summary: format!(
                    "{clusters}个不同申请人就相近信息向本机关提出{}件申请，其中{}件已予公开，可以纳入主动公开范围（条例第四十四条）",
                    cases.len(),
                    disclosed_in.len()
                ),
                agency: g.agency.clone(),
                cases,
                clusters,
                disclosed_in,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(case: CaseId, cluster: CaseId, agency: &str, disclosed: Option<bool>) -> RequestItem {
        RequestItem {
            case,
            cluster,
            agency: agency.into(),
            disclosed,
        }
    }

    #[test]
    fn three_clusters_asking_for_disclosed_information_get_a_suggestion() {
        let items = vec![
            item(1, 1, "A", Some(true)),
            item(2, 2, "A", None),
            item(3, 3, "A", Some(true)),
            item(4, 4, "B", Some(true)),
        ];
        let groups = group_requests(&items, &[(1, 2), (2, 3), (3, 4)]);
        assert_eq!(groups.len(), 1, "the pair across agencies is ignored");
        let s = suggest_publication(&groups, 3);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].cases, vec![1, 2, 3]);
        assert_eq!(s[0].disclosed_in, vec![1, 3]);
        assert_eq!(s[0].clusters, 3);
        assert!(s[0].summary.contains("条例第四十四条"));
    }

    #[test]
    fn one_family_is_one_applicant_and_undecided_groups_wait() {
        // Three cases from one cluster and one from another: two applicants.
        let family = vec![
            item(1, 1, "A", Some(true)),
            item(2, 1, "A", Some(true)),
            item(3, 1, "A", Some(true)),
            item(4, 4, "A", Some(true)),
        ];
        let groups = group_requests(&family, &[(1, 2), (2, 3), (3, 4)]);
        assert!(suggest_publication(&groups, 3).is_empty());
        // Three applicants, none answered with the information yet.
        let pending = vec![
            item(1, 1, "A", None),
            item(2, 2, "A", Some(false)),
            item(3, 3, "A", None),
        ];
        let groups = group_requests(&pending, &[(1, 2), (1, 3)]);
        assert!(suggest_publication(&groups, 3).is_empty());
    }
}
