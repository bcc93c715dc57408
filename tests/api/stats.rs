//! Placeholder: statistics tests.
