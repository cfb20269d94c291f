//! Running a lab: the session tying a lab to its cluster, progress, solutions, `lab test`.

pub mod consistency;
pub mod grading;
pub mod input;
pub mod progress;
pub mod reset;
pub mod screen;
pub mod session;
pub mod solution;
pub mod start;
pub mod test;
