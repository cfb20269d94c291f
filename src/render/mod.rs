//! Text for the terminal: slides, tables, grades, the consistency test's lines. Pure: it makes
//! strings, and the views and the CLI print them.

pub mod consistency;
pub mod grade;
pub mod markdown;
pub mod slide;
pub mod table;
pub mod wrap;
