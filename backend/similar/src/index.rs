//! The similar-case index: a tantivy index of cases under a directory of its own (or in RAM for
//! tests), kept in step with the database by the server and rebuildable from it.
//!
//! It owns the schema, the commit policy and the query pipeline: relevance feedback
//! ([`crate::feedback`]) turns a case or a text into weighted terms, the [`Filter`] restricts the
//! candidates (agency subtree, the caller's visible agencies, years, disposition, exclusions)
//! and each hit comes back with the terms it matched and a bracketed snippet.
//! [`SimilarIndex::restatement`] uses the same analysis the other way round, for abuse
//! screening: whether a few given cases ask for what a new request asks, in other words.
//!
//! Writes go to an in-process writer at once; whether they are committed at once, every few
//! hundred milliseconds by a background thread, or only on [`SimilarIndex::commit`] is the
//! [`CommitPolicy`]. Until a write is committed, [`SimilarIndex::doc`] and
//! [`SimilarIndex::like_case`] already see it (a small pending map), and deleted cases are
//! already left out of results.

use std::collections::{HashMap, HashSet};
use std::ops::{Bound, RangeInclusive};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher,
    TantivyDocument, Term,
};

use crate::articles::{self, Edition};
use crate::error::SimilarError;
use crate::feedback::{self, Tuning, WeightedTerm};
use crate::snippet::{SNIPPET_CHARS, snippet};
use crate::text::{Analyzer, EDITION_2007_MARKER, TOKENIZER_NAME};

/// What the index knows about a case. `text` is the request content, the description and the
/// reasons of the reply, joined; `agency_path` is the case's agency and its ancestors as
/// `/`-separated segments from the root (e.g. `"43/4301/430102/zjj"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDoc {
    pub case_id: i64,
    pub agency_path: String,
    pub year: i32,
    pub disposition: Option<String>,
    pub text: String,
}

/// Which cases a query may return. Every restriction is combined with AND; the default
/// restricts nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only cases in this agency's subtree (segment-wise: `"43/4301"` matches
    /// `"43/4301/430102"`, not `"43/43010"`).
    pub agency_path_prefix: Option<String>,
    /// Visibility computed by the server: only cases under at least one of these agency paths.
    /// `Some(vec![])` means the caller sees no case at all.
    pub visible_agency_prefixes: Option<Vec<String>>,
    /// Only cases of these years (inclusive).
    pub years: Option<RangeInclusive<i32>>,
    /// Only cases with this disposition code.
    pub disposition: Option<String>,
    /// Never these cases.
    pub exclude: Vec<i64>,
}

/// One suggested case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub case_id: i64,
    pub score: f32,
    /// The query terms found in this case, heaviest first (own terms and expansions).
    pub matched_terms: Vec<String>,
    /// Part of the case's text with the matched terms wrapped in 【】.
    pub snippet: String,
}

/// A text's concepts ([`feedback::Concept`]) for restatement.
struct Concepts(Vec<feedback::Concept>);

impl Concepts {
    /// `covered` weight as a share of the whole.
    fn fraction(&self, covered: f32) -> f32 {
        let total: f32 = self.0.iter().map(|c| c.weight).sum();
        if total > 0.0 {
            (covered / total).min(1.0)
        } else {
            0.0
        }
    }

    /// The share of the weight whose concept has a word that `has`.
    fn share(&self, has: impl Fn(&str) -> bool) -> f32 {
        self.fraction(
            self.0
                .iter()
                .filter(|c| c.words.iter().any(|w| has(w)))
                .map(|c| c.weight)
                .sum(),
        )
    }
}

/// When writes become durable and visible to queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitPolicy {
    /// Commit inside every write call (simple; each call pays a commit).
    EveryWrite,
    /// A background thread commits pending writes at this interval; [`SimilarIndex::commit`]
    /// and dropping the index commit at once.
    Interval(Duration),
    /// Only [`SimilarIndex::commit`] (and drop) commit.
    Manual,
}

/// How an index is opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub commit: CommitPolicy,
    /// Indexing threads of the writer (each has its own arena).
    pub writer_threads: usize,
    /// Total memory budget of the writer's arenas, in bytes.
    pub writer_memory_bytes: usize,
    /// The ranking model's knobs.
    pub tuning: Tuning,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            commit: CommitPolicy::Interval(Duration::from_millis(500)),
            writer_threads: 1,
            writer_memory_bytes: 64 << 20,
            tuning: Tuning::default(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    case_id: Field,
    body: Field,
    text: Field,
    agency: Field,
    agency_path: Field,
    year: Field,
    disposition: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let body_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        case_id: b.add_i64_field("case_id", INDEXED | FAST | STORED),
        body: b.add_text_field("body", body_options),
        text: b.add_text_field("text", STORED),
        agency: b.add_text_field("agency", STRING),
        agency_path: b.add_text_field("agency_path", STORED),
        year: b.add_i64_field("year", INDEXED | FAST | STORED),
        disposition: b.add_text_field("disposition", STRING | STORED),
    };
    (b.build(), fields)
}

/// The segments of an agency path, normalised: `" /43//4301/ "` → `"43/4301"`.
fn normalize_path(path: &str) -> String {
    path.split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every ancestor-or-self path of an agency path, each of which the case is filed under.
fn path_prefixes(path: &str) -> Vec<String> {
    let normalized = normalize_path(path);
    let mut out = Vec::new();
    for (i, c) in normalized.char_indices() {
        if c == '/' {
            out.push(normalized[..i].to_owned());
        }
    }
    if !normalized.is_empty() {
        out.push(normalized);
    }
    out
}

struct WriterState {
    writer: IndexWriter,
    marker: Option<String>,
}

struct Inner {
    reader: IndexReader,
    fields: Fields,
    analyzer: Arc<Analyzer>,
    options: Options,
    writer: Mutex<WriterState>,
    /// Writes not yet committed: `Some(doc)` for an upsert, `None` for a delete.
    pending: Mutex<HashMap<i64, Option<CaseDoc>>>,
    dirty: AtomicBool,
    needs_rebuild: AtomicBool,
    last_commit_error: Mutex<Option<String>>,
    committed_marker: Mutex<Option<String>>,
}

struct Committer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: Option<JoinHandle<()>>,
}

/// The similar-case index. Cheap to share (`Send + Sync`); all methods take `&self`.
pub struct SimilarIndex {
    inner: Arc<Inner>,
    committer: Option<Committer>,
    dir: Option<PathBuf>,
}

impl std::fmt::Debug for SimilarIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimilarIndex")
            .field("dir", &self.dir)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>, SimilarError> {
    m.lock().map_err(|_| SimilarError::Poisoned)
}

fn split_payload(payload: Option<&str>) -> (Option<String>, Option<String>) {
    match payload {
        None => (None, None),
        Some(p) => {
            let (fingerprint, marker) = p.split_once('\n').unwrap_or((p, ""));
            let marker = (!marker.is_empty()).then(|| marker.to_owned());
            (Some(fingerprint.to_owned()), marker)
        }
    }
}

impl SimilarIndex {
    /// Opens the index under `dir` (a directory of its own, created if missing) with the
    /// default [`Options`]. A new index, one built by another analysis version, or one whose
    /// schema changed (which is recreated empty) reports [`SimilarIndex::needs_rebuild`].
    pub fn open(dir: &Path) -> Result<Self, SimilarError> {
        Self::open_with(dir, Options::default())
    }

    /// [`SimilarIndex::open`] with explicit options.
    pub fn open_with(dir: &Path, options: Options) -> Result<Self, SimilarError> {
        std::fs::create_dir_all(dir).map_err(|source| SimilarError::Directory {
            path: dir.to_owned(),
            source,
        })?;
        let directory = || {
            MmapDirectory::open(dir).map_err(|e| SimilarError::OpenDirectory {
                path: dir.to_owned(),
                message: e.to_string(),
            })
        };
        let (schema, _) = schema();
        let mut schema_changed = false;
        let index = match Index::open_or_create(directory()?, schema.clone()) {
            Ok(index) => index,
            Err(tantivy::TantivyError::SchemaError(_)) => {
                // A derived index with an old schema: start again empty and ask for a rebuild.
                schema_changed = true;
                Index::create(directory()?, schema, IndexSettings::default())?
            }
            Err(e) => return Err(e.into()),
        };
        let mut this = Self::from_index(index, options)?;
        if schema_changed {
            this.inner.needs_rebuild.store(true, Ordering::SeqCst);
        }
        this.dir = Some(dir.to_owned());
        Ok(this)
    }

    /// An index in memory, committed only on [`SimilarIndex::commit`] (for tests and evaluation).
    pub fn open_in_ram() -> Result<Self, SimilarError> {
        Self::open_in_ram_with(Options {
            commit: CommitPolicy::Manual,
            ..Options::default()
        })
    }

    /// [`SimilarIndex::open_in_ram`] with explicit options.
    pub fn open_in_ram_with(options: Options) -> Result<Self, SimilarError> {
        let (schema, _) = schema();
        Self::from_index(Index::create_in_ram(schema), options)
    }

    fn from_index(index: Index, options: Options) -> Result<Self, SimilarError> {
        let analyzer = Analyzer::shared()?;
        index
            .tokenizers()
            .register(TOKENIZER_NAME, analyzer.tokenizer());
        let (_, fields) = schema();
        let writer = index.writer_with_num_threads(
            options.writer_threads.max(1),
            options.writer_memory_bytes.max(15 << 20),
        )?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let metas = index.load_metas()?;
        let (fingerprint, marker) = split_payload(metas.payload.as_deref());
        let needs_rebuild = fingerprint.as_deref() != Some(analyzer.fingerprint());
        let inner = Arc::new(Inner {
            reader,
            fields,
            analyzer,
            writer: Mutex::new(WriterState {
                writer,
                marker: marker.clone(),
            }),
            pending: Mutex::new(HashMap::new()),
            dirty: AtomicBool::new(false),
            needs_rebuild: AtomicBool::new(needs_rebuild),
            last_commit_error: Mutex::new(None),
            committed_marker: Mutex::new(marker),
            options,
        });
        let committer = match inner.options.commit {
            CommitPolicy::Interval(every) => Some(Committer::start(Arc::clone(&inner), every)?),
            CommitPolicy::EveryWrite | CommitPolicy::Manual => None,
        };
        Ok(SimilarIndex {
            inner,
            committer,
            dir: None,
        })
    }

    /// True when the index may not reflect the database: it is new, it was built by another
    /// analysis version, or its schema changed. The server then calls [`SimilarIndex::rebuild`].
    pub fn needs_rebuild(&self) -> bool {
        self.inner.needs_rebuild.load(Ordering::SeqCst)
    }

    /// Adds a case or replaces the indexed version of it.
    pub fn upsert(&self, doc: &CaseDoc) -> Result<(), SimilarError> {
        self.upsert_many(std::slice::from_ref(doc))
    }

    /// Adds or replaces several cases in one go (one commit under [`CommitPolicy::EveryWrite`]).
    pub fn upsert_many(&self, docs: &[CaseDoc]) -> Result<(), SimilarError> {
        {
            let state = lock(&self.inner.writer)?;
            let mut pending = lock(&self.inner.pending)?;
            for doc in docs {
                state.writer.delete_term(self.inner.id_term(doc.case_id));
                state.writer.add_document(self.inner.document(doc))?;
                pending.insert(doc.case_id, Some(doc.clone()));
            }
        }
        self.inner.dirty.store(true, Ordering::SeqCst);
        self.after_write()
    }

    /// Removes a case (no error if it is not indexed).
    pub fn delete(&self, case_id: i64) -> Result<(), SimilarError> {
        {
            let state = lock(&self.inner.writer)?;
            let mut pending = lock(&self.inner.pending)?;
            state.writer.delete_term(self.inner.id_term(case_id));
            pending.insert(case_id, None);
        }
        self.inner.dirty.store(true, Ordering::SeqCst);
        self.after_write()
    }

    fn after_write(&self) -> Result<(), SimilarError> {
        if self.inner.options.commit == CommitPolicy::EveryWrite {
            self.inner.commit_now()
        } else {
            Ok(())
        }
    }

    /// Commits pending writes now and makes them visible to queries.
    pub fn commit(&self) -> Result<(), SimilarError> {
        self.inner.commit_now()
    }

    /// Records a marker (e.g. the id of the last case event applied) to be stored with the
    /// next commit, so that after a restart the server knows where to resume following the
    /// database.
    pub fn set_marker(&self, marker: &str) -> Result<(), SimilarError> {
        lock(&self.inner.writer)?.marker = Some(marker.replace('\n', " "));
        self.inner.dirty.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// The marker stored by the last commit.
    pub fn committed_marker(&self) -> Option<String> {
        self.inner
            .committed_marker
            .lock()
            .ok()
            .and_then(|m| m.clone())
    }

    /// The error of the last failed background commit, if the last one failed.
    pub fn last_commit_error(&self) -> Option<String> {
        self.inner
            .last_commit_error
            .lock()
            .ok()
            .and_then(|e| e.clone())
    }

    /// Replaces the whole index with `docs`, atomically: queries see the old index until the
    /// new one is committed.
    pub fn rebuild(&self, docs: impl IntoIterator<Item = CaseDoc>) -> Result<usize, SimilarError> {
        let mut count = 0;
        let mut state = lock(&self.inner.writer)?;
        state.writer.delete_all_documents()?;
        for doc in docs {
            state.writer.add_document(self.inner.document(&doc))?;
            count += 1;
        }
        lock(&self.inner.pending)?.clear();
        self.inner.commit_locked(&mut state)?;
        self.inner.needs_rebuild.store(false, Ordering::SeqCst);
        Ok(count)
    }

    /// Number of committed cases.
    pub fn len(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Whether no case is committed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The indexed version of a case (including uncommitted writes).
    pub fn doc(&self, case_id: i64) -> Result<Option<CaseDoc>, SimilarError> {
        if let Some(p) = lock(&self.inner.pending)?.get(&case_id) {
            return Ok(p.clone());
        }
        let searcher = self.inner.reader.searcher();
        let query = TermQuery::new(self.inner.id_term(case_id), IndexRecordOption::Basic);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, address)) => {
                let stored: TantivyDocument = searcher.doc(*address)?;
                Ok(Some(self.inner.case_doc(&stored)))
            }
            None => Ok(None),
        }
    }

    /// Every committed case id, ascending.
    pub fn case_ids(&self) -> Result<Vec<i64>, SimilarError> {
        let searcher = self.inner.reader.searcher();
        let mut ids = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().i64("case_id")?;
            for doc in segment.doc_ids_alive() {
                if let Some(id) = column.first(doc) {
                    ids.push(id);
                }
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    /// Cases like `case_id`, by relevance feedback on its own text; the case itself is never
    /// returned. Errors with [`SimilarError::UnknownCase`] if the case is not indexed.
    pub fn like_case(
        &self,
        case_id: i64,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<Hit>, SimilarError> {
        self.like_case_tuned(case_id, filter, limit, &self.inner.options.tuning)
    }

    /// [`SimilarIndex::like_case`] with explicit ranking knobs (evaluation).
    pub fn like_case_tuned(
        &self,
        case_id: i64,
        filter: &Filter,
        limit: usize,
        tuning: &Tuning,
    ) -> Result<Vec<Hit>, SimilarError> {
        let doc = self
            .doc(case_id)?
            .ok_or(SimilarError::UnknownCase(case_id))?;
        let mut filter = filter.clone();
        filter.exclude.push(case_id);
        let edition = Edition::for_year(doc.year);
        self.inner
            .run(&doc.text, Some(edition), &filter, limit, tuning)
    }

    /// Cases matching a free text (what staff type, or a draft request), ranked by the same
    /// model as [`SimilarIndex::like_case`].
    pub fn search(
        &self,
        text: &str,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<Hit>, SimilarError> {
        self.search_tuned(text, filter, limit, &self.inner.options.tuning)
    }

    /// [`SimilarIndex::search`] with explicit ranking knobs (evaluation).
    pub fn search_tuned(
        &self,
        text: &str,
        filter: &Filter,
        limit: usize,
        tuning: &Tuning,
    ) -> Result<Vec<Hit>, SimilarError> {
        self.inner.run(text, None, filter, limit, tuning)
    }

    /// How far each earlier request of `among` (case id, request text) and `text` restate
    /// each other, from 0 to 1: the mean of two shares of informativeness (a text's best terms
    /// by tf-idf over this index, boilerplate damped, as in [`SimilarIndex::search`]), a term
    /// counting when the other side has it, a thesaurus synonym of it or a term of its
    /// resolved sense:
    ///
    /// - *forward*: of `text`, found in the case's indexed text (read from the postings of
    ///   these cases only, so it costs a look-up per term whatever the size of the index; a
    ///   write not committed yet is read from its pending text);
    /// - *backward*: of the earlier request, found in `text`.
    ///
    /// One direction alone cannot tell a repeat in other words from the next question about
    /// the same matter: both name the same project and place, which carry most of the weight.
    /// The other side's record nouns (招标文件 vs 监理合同) are what the backward share sees.
    ///
    /// Only cases that can reach `at_least` are answered: the backward share, which needs
    /// the earlier text analysed, is computed where the forward share is at least
    /// `2 · at_least − 1`. Cases not in the index (or deleted) are left out.
    pub fn restatement(
        &self,
        text: &str,
        among: &[(i64, &str)],
        at_least: f32,
    ) -> Result<Vec<(i64, f32)>, SimilarError> {
        if among.is_empty() {
            return Ok(Vec::new());
        }
        let inner = &self.inner;
        let searcher = inner.reader.searcher();
        let concepts = inner.concepts(&searcher, text);
        let ids: Vec<i64> = among.iter().map(|(id, _)| *id).collect();
        let forward = inner.forward_shares(&searcher, &concepts, &ids)?;
        let floor = 2.0 * at_least - 1.0;
        let own: HashSet<String> = inner
            .analyzer
            .term_counts(text, None)
            .into_iter()
            .map(|c| c.term)
            .collect();
        let mut out = Vec::new();
        for (id, earlier) in among {
            let Some(&f) = forward.get(id) else { continue };
            if f < floor {
                continue;
            }
            let backward = inner
                .concepts(&searcher, earlier)
                .share(|w| own.contains(w));
            let mean = (f + backward) / 2.0;
            if mean >= at_least {
                out.push((*id, mean));
            }
        }
        out.sort_by_key(|(id, _)| *id);
        Ok(out)
    }

    /// The `n` most informative terms of `text` by tf-idf over this index, best first.
    pub fn informative_terms(&self, text: &str, n: usize) -> Vec<(String, f32)> {
        let searcher = self.inner.reader.searcher();
        let inner = &self.inner;
        feedback::select_terms(
            &inner.analyzer,
            text,
            None,
            &inner.options.tuning,
            n,
            searcher.num_docs(),
            &|t| inner.doc_freq(&searcher, t),
        )
    }
}

impl Drop for SimilarIndex {
    fn drop(&mut self) {
        if let Some(mut committer) = self.committer.take() {
            committer.stop();
        }
        if self.inner.dirty.load(Ordering::SeqCst) {
            // Best effort: the index is derived from the database and `needs_rebuild` /
            // the marker tell the server what to replay.
            let _ = self.inner.commit_now();
        }
    }
}

impl Committer {
    fn start(inner: Arc<Inner>, every: Duration) -> Result<Self, SimilarError> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("similar-commit".into())
            .spawn(move || {
                let (flag, wake) = &*signal;
                let Ok(mut stopped) = flag.lock() else { return };
                loop {
                    let Ok((guard, _)) = wake.wait_timeout(stopped, every) else {
                        return;
                    };
                    stopped = guard;
                    if *stopped {
                        return;
                    }
                    if inner.dirty.load(Ordering::SeqCst) {
                        let result = inner.commit_now();
                        if let Ok(mut last) = inner.last_commit_error.lock() {
                            *last = result.err().map(|e| e.to_string());
                        }
                    }
                }
            })
            .map_err(SimilarError::Thread)?;
        Ok(Committer {
            stop,
            handle: Some(handle),
        })
    }

    fn stop(&mut self) {
        let (flag, wake) = &*self.stop;
        if let Ok(mut stopped) = flag.lock() {
            *stopped = true;
        }
        wake.notify_all();
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

impl Inner {
    fn id_term(&self, case_id: i64) -> Term {
        Term::from_field_i64(self.fields.case_id, case_id)
    }

    fn document(&self, doc: &CaseDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_i64(f.case_id, doc.case_id);
        if Edition::for_year(doc.year) == Edition::Y2007
            && articles::named_edition(&doc.text).is_none()
        {
            d.add_text(f.body, format!("{EDITION_2007_MARKER}{}", doc.text));
        } else {
            d.add_text(f.body, &doc.text);
        }
        d.add_text(f.text, &doc.text);
        for prefix in path_prefixes(&doc.agency_path) {
            d.add_text(f.agency, &prefix);
        }
        d.add_text(f.agency_path, normalize_path(&doc.agency_path));
        d.add_i64(f.year, i64::from(doc.year));
        if let Some(disposition) = &doc.disposition {
            d.add_text(f.disposition, disposition);
        }
        d
    }

    fn case_doc(&self, stored: &TantivyDocument) -> CaseDoc {
        let f = &self.fields;
        let text = |field| {
            stored
                .get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let int = |field| stored.get_first(field).and_then(|v| v.as_i64());
        CaseDoc {
            case_id: int(f.case_id).unwrap_or_default(),
            agency_path: text(f.agency_path).unwrap_or_default(),
            year: int(f.year)
                .and_then(|y| i32::try_from(y).ok())
                .unwrap_or_default(),
            disposition: text(f.disposition),
            text: text(f.text).unwrap_or_default(),
        }
    }

    fn commit_now(&self) -> Result<(), SimilarError> {
        let mut state = lock(&self.writer)?;
        self.commit_locked(&mut state)
    }

    fn commit_locked(&self, state: &mut WriterState) -> Result<(), SimilarError> {
        self.dirty.store(false, Ordering::SeqCst);
        let payload = match &state.marker {
            Some(marker) => format!("{}\n{marker}", self.analyzer.fingerprint()),
            None => self.analyzer.fingerprint().to_owned(),
        };
        let result = (|| -> Result<(), SimilarError> {
            let mut prepared = state.writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
            self.reader.reload()?;
            Ok(())
        })();
        if result.is_err() {
            self.dirty.store(true, Ordering::SeqCst);
            return result;
        }
        lock(&self.pending)?.clear();
        *lock(&self.committed_marker)? = state.marker.clone();
        Ok(())
    }

    /// The concepts of `text` (its informative terms with their synonyms and senses).
    fn concepts(&self, searcher: &Searcher, text: &str) -> Concepts {
        let tuning = &self.options.tuning;
        let selected = feedback::select_terms(
            &self.analyzer,
            text,
            None,
            tuning,
            tuning.feedback_terms,
            searcher.num_docs(),
            &|t| self.doc_freq(searcher, t),
        );
        Concepts(feedback::concepts(&self.analyzer, text, &selected, tuning))
    }

    /// The share of `concepts` each of the cases `ids` holds in its indexed text.
    fn forward_shares(
        &self,
        searcher: &Searcher,
        concepts: &Concepts,
        ids: &[i64],
    ) -> Result<HashMap<i64, f32>, SimilarError> {
        let mut out = HashMap::with_capacity(ids.len());
        // Written but not committed yet: read from the pending text itself.
        let pending: HashMap<i64, Option<CaseDoc>> = {
            let pending = lock(&self.pending)?;
            ids.iter()
                .filter_map(|id| pending.get(id).map(|d| (*id, d.clone())))
                .collect()
        };
        for doc in pending.values().flatten() {
            let terms: HashSet<String> = self
                .analyzer
                .term_counts(&doc.text, Some(Edition::for_year(doc.year)))
                .into_iter()
                .map(|c| c.term)
                .collect();
            out.insert(doc.case_id, concepts.share(|w| terms.contains(w)));
        }
        let committed = ids.iter().filter(|id| !pending.contains_key(id));
        let query = TermSetQuery::new(committed.map(|id| self.id_term(*id)));
        let mut docs: Vec<DocAddress> = searcher
            .search(&query, &DocSetCollector)?
            .into_iter()
            .collect();
        docs.sort_unstable();
        for segment in docs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
            let Some(first) = segment.first() else {
                continue;
            };
            let reader = searcher.segment_reader(first.segment_ord);
            let case_ids = reader.fast_fields().i64("case_id")?;
            let postings = reader.inverted_index(self.fields.body)?;
            // Per concept, which of this segment's candidates hold one of its words:
            // postings are walked forward with `seek`, the candidates being in doc order.
            let mut covered = vec![0.0_f32; segment.len()];
            for concept in &concepts.0 {
                let mut has = vec![false; segment.len()];
                for word in &concept.words {
                    let term = Term::from_field_text(self.fields.body, word);
                    let Some(mut list) = postings
                        .read_postings(&term, IndexRecordOption::Basic)
                        .map_err(tantivy::TantivyError::from)?
                    else {
                        continue;
                    };
                    for (i, address) in segment.iter().enumerate() {
                        if list.doc() <= address.doc_id
                            && list.seek(address.doc_id) == address.doc_id
                        {
                            has[i] = true;
                        }
                    }
                }
                for (c, h) in covered.iter_mut().zip(has) {
                    if h {
                        *c += concept.weight;
                    }
                }
            }
            for (address, c) in segment.iter().zip(covered) {
                if let Some(case_id) = case_ids.first(address.doc_id) {
                    out.insert(case_id, concepts.fraction(c));
                }
            }
        }
        Ok(out)
    }

    fn doc_freq(&self, searcher: &Searcher, term: &str) -> u64 {
        searcher
            .doc_freq(&Term::from_field_text(self.fields.body, term))
            .unwrap_or(0)
    }

    fn filter_clauses(&self, filter: &Filter) -> Option<Vec<Box<dyn Query>>> {
        let f = &self.fields;
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        if let Some(prefix) = &filter.agency_path_prefix {
            let prefix = normalize_path(prefix);
            if !prefix.is_empty() {
                clauses.push(Box::new(TermQuery::new(
                    Term::from_field_text(f.agency, &prefix),
                    IndexRecordOption::Basic,
                )));
            }
        }
        if let Some(visible) = &filter.visible_agency_prefixes {
            let prefixes: Vec<String> = visible.iter().map(|p| normalize_path(p)).collect();
            if prefixes.is_empty() {
                // The caller may see no case at all.
                return None;
            }
            // The root ("" or "/") makes everything visible: no clause.
            if !prefixes.iter().any(String::is_empty) {
                let any: Vec<(Occur, Box<dyn Query>)> = prefixes
                    .iter()
                    .map(|p| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(f.agency, p),
                            IndexRecordOption::Basic,
                        ));
                        (Occur::Should, q)
                    })
                    .collect();
                clauses.push(Box::new(BooleanQuery::new(any)));
            }
        }
        if let Some(years) = &filter.years {
            if years.start() > years.end() {
                return None;
            }
            clauses.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.year, i64::from(*years.start()))),
                Bound::Included(Term::from_field_i64(f.year, i64::from(*years.end()))),
            )));
        }
        if let Some(disposition) = &filter.disposition {
            clauses.push(Box::new(TermQuery::new(
                Term::from_field_text(f.disposition, disposition),
                IndexRecordOption::Basic,
            )));
        }
        Some(clauses)
    }

    fn run(
        &self,
        text: &str,
        edition: Option<Edition>,
        filter: &Filter,
        limit: usize,
        tuning: &Tuning,
    ) -> Result<Vec<Hit>, SimilarError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let Some(filters) = self.filter_clauses(filter) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let num_docs = searcher.num_docs();
        let selected = feedback::select_terms(
            &self.analyzer,
            text,
            edition,
            tuning,
            tuning.feedback_terms,
            num_docs,
            &|t| self.doc_freq(&searcher, t),
        );
        let terms = feedback::expand(&self.analyzer, text, &selected, tuning);
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(terms.len());
        for WeightedTerm { term, weight, .. } in &terms {
            let term_query = TermQuery::new(
                Term::from_field_text(self.fields.body, term),
                IndexRecordOption::WithFreqs,
            );
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(term_query), *weight)),
            ));
        }
        if should.is_empty() {
            return Ok(Vec::new());
        }
        let text_query = BooleanQuery::new(should);
        let deleted: HashSet<i64> = lock(&self.pending)?
            .iter()
            .filter(|(_, d)| d.is_none())
            .map(|(id, _)| *id)
            .collect();
        let excluded: HashSet<i64> = filter.exclude.iter().copied().chain(deleted).collect();
        // Exclusions are few: over-fetch and drop them, which keeps the pure term union
        // (block-max WAND) when there is no other filter.
        let fetch = limit + excluded.len();
        let top = if filters.is_empty() {
            searcher.search(&text_query, &TopDocs::with_limit(fetch).order_by_score())?
        } else {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Must, Box::new(text_query))];
            for q in filters {
                clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
            }
            searcher.search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(fetch).order_by_score(),
            )?
        };
        let weights: HashMap<&str, f32> =
            terms.iter().map(|w| (w.term.as_str(), w.weight)).collect();
        let mut hits = Vec::with_capacity(limit);
        for (score, address) in top {
            let stored: TantivyDocument = searcher.doc(address)?;
            let doc = self.case_doc(&stored);
            if excluded.contains(&doc.case_id) {
                continue;
            }
            let mut matched: Vec<(String, f32)> = Vec::new();
            let doc_edition = Edition::for_year(doc.year);
            for count in self.analyzer.term_counts(&doc.text, Some(doc_edition)) {
                let term = count.term;
                // Boilerplate may have counted a little, but it explains nothing to staff.
                if self.analyzer.is_boilerplate(&term) {
                    continue;
                }
                if let Some(w) = weights.get(term.as_str()) {
                    matched.push((term, *w));
                }
            }
            matched.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            hits.push(Hit {
                case_id: doc.case_id,
                score,
                snippet: snippet(&doc.text, &matched, SNIPPET_CHARS),
                matched_terms: matched.into_iter().map(|(t, _)| t).collect(),
            });
            if hits.len() == limit {
                break;
            }
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_paths_are_filed_under_every_ancestor() {
        assert_eq!(
            path_prefixes(" /43//4301/430102 "),
            vec!["43", "43/4301", "43/4301/430102"]
        );
        assert!(path_prefixes("").is_empty());
    }

    #[test]
    fn payload_round_trips() {
        assert_eq!(split_payload(None), (None, None));
        assert_eq!(split_payload(Some("v1-abc")), (Some("v1-abc".into()), None));
        assert_eq!(
            split_payload(Some("v1-abc\n42")),
            (Some("v1-abc".into()), Some("42".into()))
        );
    }
}
