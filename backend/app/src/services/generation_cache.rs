//! Results of the statistics kept for as long as the data they were read from has not
//! changed: each entry is tagged with the `stats_generation` counter that the database's
//! triggers move with every change the statistics read (migration `stats_generation`), and
//! is served only while the counter has not moved, so what it returns is what a count would
//! return now. The reconsideration statistics and table 四 of the annual report read every
//! decided case or outcome of a province's period; a reconsideration body's staff open them
//! many times between two changes; every filing reads its agency and the holiday calendar,
//! which change far more rarely still (the triggers move the counter for them too). Bounded:
//! when full, it is emptied.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::AppError;

/// How many results each cache keeps.
const ENTRIES: usize = 256;

#[derive(Debug)]
pub struct GenerationCache<V> {
    entries: Mutex<HashMap<String, (i64, V)>>,
    computing: Mutex<()>,
}

impl<V> Default for GenerationCache<V> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            computing: Mutex::new(()),
        }
    }
}

fn poisoned() -> AppError {
    AppError::Internal(anyhow::anyhow!("generation cache lock poisoned"))
}

impl<V: Clone> GenerationCache<V> {
    /// The value kept for `key` at `generation`, or `compute`d now and kept. One computation
    /// runs at a time: callers that arrive meanwhile wait for it, then find its result,
    /// instead of counting again. `generation` must be read in the snapshot `compute` reads.
    pub fn get_or_compute(
        &self,
        key: String,
        generation: i64,
        compute: impl FnOnce() -> Result<V, AppError>,
    ) -> Result<V, AppError> {
        let _computing = self.computing.lock().map_err(|_| poisoned())?;
        {
            let entries = self.entries.lock().map_err(|_| poisoned())?;
            if let Some((g, v)) = entries.get(&key)
                && *g == generation
            {
                return Ok(v.clone());
            }
        }
        let value = compute()?;
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        if entries.len() >= ENTRIES {
            entries.clear();
        }
        entries.insert(key, (generation, value.clone()));
        Ok(value)
    }
}
