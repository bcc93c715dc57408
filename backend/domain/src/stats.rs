//! Placeholder: statistics arithmetic.
