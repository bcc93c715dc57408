//! Placeholder: demo data generation.
