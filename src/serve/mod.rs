//! The browser view's parts that stand on their own: reveal.js embedded in the binary
//! (`assets`), a deck's reveal.js page (`page`, also what `lab export` writes) and who may talk
//! to the local server (`guard`). `lab serve` (issue 15) wires them to the lab engine as a
//! second front-end.

pub mod assets;
pub mod guard;
pub mod page;
