//! Running a lab: the session tying a lab to its cluster, progress, solutions, `lab test`.

pub mod progress;
pub mod session;
pub mod solution;
pub mod test;
