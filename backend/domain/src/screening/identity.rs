//! Identity clusters: applications whose applicants share an identity number, a phone, an
//! e-mail address or a normalised postal address belong to one cluster, whatever names they
//! were filed under ("five family members' names with one phone number on every envelope").
//!
//! Only keyed hashes of those values reach this module (the store keeps the values encrypted,
//! DESIGN.md "Storage"); the cluster records which hashes joined its members, never a plain
//! value. Clustering is union-find over the hashes, in a batch form ([`clusters`], for rebuilds
//! and tests) and an incremental form ([`join`], for intake: the server looks up the existing
//! clusters holding any of the new application's hashes and merges them with it).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::CaseId;

/// What a link hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// The identity document number (居民身份证号码 or 统一社会信用代码).
    IdNumber,
    Phone,
    Email,
    /// The postal address after `case::intake::normalise_address`.
    Address,
}

impl LinkKind {
    pub const ALL: [LinkKind; 4] = [
        LinkKind::IdNumber,
        LinkKind::Phone,
        LinkKind::Email,
        LinkKind::Address,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::IdNumber => "id_number",
            LinkKind::Phone => "phone",
            LinkKind::Email => "email",
            LinkKind::Address => "address",
        }
    }

    /// The Chinese name shown in evidence ("共用电话号码").
    pub fn label(self) -> &'static str {
        match self {
            LinkKind::IdNumber => "身份证件号码",
            LinkKind::Phone => "电话号码",
            LinkKind::Email => "电子邮箱",
            LinkKind::Address => "通讯地址",
        }
    }

    /// Contacts can be shared by several people; an identity number cannot.
    pub fn is_contact(self) -> bool {
        !matches!(self, LinkKind::IdNumber)
    }
}

/// The keyed hashes of one application's identity data. An empty string counts as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityLinks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_hash: Option<String>,
}

impl IdentityLinks {
    /// The hash of one kind, if present and not empty.
    pub fn get(&self, kind: LinkKind) -> Option<&str> {
        let value = match kind {
            LinkKind::IdNumber => &self.id_hash,
            LinkKind::Phone => &self.phone_hash,
            LinkKind::Email => &self.email_hash,
            LinkKind::Address => &self.address_hash,
        };
        value.as_deref().filter(|h| !h.is_empty())
    }

    /// The present hashes, in [`LinkKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (LinkKind, &str)> {
        LinkKind::ALL
            .into_iter()
            .filter_map(|k| self.get(k).map(|h| (k, h)))
    }

    /// The contact kinds (phone, e-mail, address) whose hashes both carry and that are equal.
    pub fn shared_contacts(&self, other: &IdentityLinks) -> Vec<LinkKind> {
        LinkKind::ALL
            .into_iter()
            .filter(|k| k.is_contact())
            .filter(|&k| matches!((self.get(k), other.get(k)), (Some(a), Some(b)) if a == b))
            .collect()
    }
}

/// One distinct hash carried by a cluster's applications, and by how many of them. A link
/// with two or more members is one that joined the cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    pub kind: LinkKind,
    pub hash: String,
    pub members: u32,
}

impl Link {
    pub fn joins(&self) -> bool {
        self.members >= 2
    }
}

/// Applications of one identity cluster and every hash they carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Ascending case ids; never empty.
    pub members: Vec<CaseId>,
    /// Every distinct hash of the members, sorted by kind and hash. The store indexes these
    /// (hash → cluster) so that intake finds the clusters a new application touches.
    pub links: Vec<Link>,
}

impl Cluster {
    /// A stable key: the smallest member (a merged cluster keeps the smaller of the two keys).
    pub fn key(&self) -> CaseId {
        self.members.first().copied().unwrap_or_default()
    }

    /// The links that joined members (shared by two or more).
    pub fn joining_links(&self) -> impl Iterator<Item = &Link> {
        self.links.iter().filter(|l| l.joins())
    }

    /// For the dossier: which kinds of data joined the cluster and how many applications share
    /// each, without the hashes ("3件申请共用同一电话号码").
    pub fn join_summary(&self) -> Vec<(LinkKind, u32)> {
        self.joining_links().map(|l| (l.kind, l.members)).collect()
    }

    fn singleton(id: CaseId, links: &IdentityLinks) -> Cluster {
        let mut out: Vec<Link> = links
            .iter()
            .map(|(kind, hash)| Link {
                kind,
                hash: hash.to_owned(),
                members: 1,
            })
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.kind == b.kind && a.hash == b.hash);
        Cluster {
            members: vec![id],
            links: out,
        }
    }

    fn touches(&self, links: &IdentityLinks) -> bool {
        links.iter().any(|(kind, hash)| {
            self.links
                .binary_search_by(|l| (l.kind, l.hash.as_str()).cmp(&(kind, hash)))
                .is_ok()
        })
    }
}

/// Why an incremental [`join`] was refused: the caller's lookup is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    #[error("身份关联数据不一致：申请{case}已属于一个关联组")]
    AlreadyMember { case: CaseId },
    #[error("身份关联数据不一致：关联组{cluster}与新申请没有共同的关联项")]
    NotTouching { cluster: CaseId },
    #[error("身份关联数据不一致：两个关联组都包含申请{case}")]
    Overlap { case: CaseId },
}

/// Union-find over case indexes.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index becomes the root, so roots are deterministic.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// Groups applications into identity clusters (batch form), ordered by key. An application
/// without any hash is a cluster of its own. A case id listed twice is kept once, with the
/// union of its links.
pub fn clusters(apps: &[(CaseId, IdentityLinks)]) -> Vec<Cluster> {
    // One entry per case id, with the union of its links.
    let mut by_case: BTreeMap<CaseId, BTreeSet<(LinkKind, &str)>> = BTreeMap::new();
    for (id, links) in apps {
        by_case.entry(*id).or_default().extend(links.iter());
    }
    let ids: Vec<CaseId> = by_case.keys().copied().collect();
    let mut uf = UnionFind::new(ids.len());
    let mut first_holder: HashMap<(LinkKind, &str), usize> = HashMap::new();
    for (i, links) in by_case.values().enumerate() {
        for &link in links {
            match first_holder.get(&link) {
                Some(&j) => uf.union(i, j),
                None => {
                    first_holder.insert(link, i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..ids.len() {
        let root = uf.find(i);
        groups.entry(root).or_default().push(i);
    }
    let sets: Vec<&BTreeSet<(LinkKind, &str)>> = by_case.values().collect();
    groups
        .into_values()
        .map(|members| {
            let mut counts: BTreeMap<(LinkKind, &str), u32> = BTreeMap::new();
            for &i in &members {
                for &link in sets[i] {
                    *counts.entry(link).or_default() += 1;
                }
            }
            Cluster {
                members: members.iter().map(|&i| ids[i]).collect(),
                links: counts
                    .into_iter()
                    .map(|((kind, hash), members)| Link {
                        kind,
                        hash: hash.to_owned(),
                        members,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Incremental clustering at intake: merges the new application with the existing clusters
/// that hold any of its hashes (the server finds them by looking its hashes up in the
/// hash → cluster index). With no touching cluster the result is the application alone.
/// The result is what [`clusters`] would compute over all the applications involved.
pub fn join(
    case: CaseId,
    links: &IdentityLinks,
    touching: Vec<Cluster>,
) -> Result<Cluster, ClusterError> {
    let mut seen: BTreeSet<CaseId> = BTreeSet::new();
    for cluster in &touching {
        if !cluster.touches(links) {
            return Err(ClusterError::NotTouching {
                cluster: cluster.key(),
            });
        }
        for &m in &cluster.members {
            if m == case {
                return Err(ClusterError::AlreadyMember { case });
            }
            if !seen.insert(m) {
                return Err(ClusterError::Overlap { case: m });
            }
        }
    }
    let mut counts: BTreeMap<(LinkKind, String), u32> = BTreeMap::new();
    for cluster in touching
        .iter()
        .chain(std::iter::once(&Cluster::singleton(case, links)))
    {
        for link in &cluster.links {
            *counts.entry((link.kind, link.hash.clone())).or_default() += link.members;
        }
    }
    seen.insert(case);
    Ok(Cluster {
        members: seen.into_iter().collect(),
        links: counts
            .into_iter()
            .map(|((kind, hash), members)| Link {
                kind,
                hash,
                members,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn links(id: &str, phone: &str, email: &str, address: &str) -> IdentityLinks {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        IdentityLinks {
            id_hash: some(id),
            phone_hash: some(phone),
            email_hash: some(email),
            address_hash: some(address),
        }
    }

    #[test]
    fn five_names_one_phone_form_one_cluster() {
        let apps: Vec<(CaseId, IdentityLinks)> = (1..=5)
            .map(|i| (i, links(&format!("id{i}"), "p-family", "", "")))
            .chain(std::iter::once((9, links("id9", "p-other", "", ""))))
            .collect();
        let cs = clusters(&apps);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].members, vec![1, 2, 3, 4, 5]);
        assert_eq!(cs[0].join_summary(), vec![(LinkKind::Phone, 5)]);
        assert_eq!(cs[1].members, vec![9]);
        assert_eq!(cs[1].joining_links().count(), 0);
    }

    #[test]
    fn chains_join_transitively_and_kinds_do_not_mix() {
        // 1–2 share a phone, 2–3 an address; 4's e-mail hash equals 1's phone hash but is
        // another kind of data.
        let apps = vec![
            (1, links("a", "x", "", "")),
            (2, links("b", "x", "", "home")),
            (3, links("c", "", "", "home")),
            (4, links("d", "", "x", "")),
        ];
        let cs = clusters(&apps);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].members, vec![1, 2, 3]);
        assert_eq!(cs[1].members, vec![4]);
    }

    #[test]
    fn join_refuses_inconsistent_lookups() {
        let a = clusters(&[(1, links("a", "x", "", ""))]).remove(0);
        let b = clusters(&[(2, links("b", "y", "", ""))]).remove(0);
        let new = links("c", "x", "", "");
        assert_eq!(
            join(3, &new, vec![a.clone(), b]),
            Err(ClusterError::NotTouching { cluster: 2 })
        );
        assert_eq!(
            join(1, &new, vec![a.clone()]),
            Err(ClusterError::AlreadyMember { case: 1 })
        );
        assert_eq!(
            join(3, &new, vec![a.clone(), a]),
            Err(ClusterError::Overlap { case: 1 })
        );
    }

    #[test]
    fn identity_links_json_omits_absent_hashes() {
        let l = links("a", "", "", "h");
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(json, r#"{"id_hash":"a","address_hash":"h"}"#);
        let back: IdentityLinks = serde_json::from_str(r#"{"phone_hash":""}"#).unwrap();
        assert_eq!(back.iter().count(), 0);
    }

    fn arb_links() -> impl Strategy<Value = IdentityLinks> {
        // Small alphabets so that links collide often.
        let h = |p: &'static str| {
            proptest::option::of(0u8..6).prop_map(move |o| o.map(|v| format!("{p}{v}")))
        };
        (h("i"), h("p"), h("e"), h("a")).prop_map(|(i, p, e, a)| IdentityLinks {
            id_hash: i,
            phone_hash: p,
            email_hash: e,
            address_hash: a,
        })
    }

    proptest! {
        /// Intake one application at a time, merging the clusters it touches, ends where the
        /// batch form ends.
        #[test]
        fn incremental_join_equals_batch(all in proptest::collection::vec(arb_links(), 1..40)) {
            let apps: Vec<(CaseId, IdentityLinks)> =
                all.into_iter().enumerate().map(|(i, l)| (i as CaseId + 1, l)).collect();
            let mut current: Vec<Cluster> = Vec::new();
            for (id, l) in &apps {
                let (touching, rest): (Vec<Cluster>, Vec<Cluster>) =
                    current.into_iter().partition(|c| c.touches(l));
                let merged = join(*id, l, touching).unwrap();
                current = rest;
                current.push(merged);
            }
            current.sort_by_key(Cluster::key);
            prop_assert_eq!(current, clusters(&apps));
        }
    }
}
