//! Turning slides into terminal text.

pub mod markdown;
pub mod slide;
pub mod table;
