//! Placeholder: statistics for reconsideration bodies.
