//! What the engine has to say besides the slide: the notices a view shows under it until the
//! student moves on, and the ✓ of the step just passed.

use crate::grade::Grade;
use crate::i18n::Msg;
use crate::model::consistency::Report;

use super::progress::Measured;

#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Info(Msg),
    Good(Msg),
    Warn(Msg),
    Error(Msg),
    /// The hints shown so far (filled in for the cluster), of `total`; `exhausted` when one
    /// more was asked for and there is none.
    Hints {
        shown: Vec<String>,
        total: usize,
        exhausted: bool,
    },
    /// What a check asked for now found.
    Failures(Vec<Msg>),
    /// The student tried to move past a step whose checks do not hold.
    Blocked {
        step: String,
        why: Msg,
    },
    /// A grade, where its report was kept, and whether the exercise's time was up.
    Grade {
        grade: Box<Grade>,
        saved: Option<String>,
        time_up: bool,
    },
    /// The background consistency test's final report.
    Consistency(Box<Report>),
}

/// The step that just passed, said once.
#[derive(Clone, Debug, PartialEq)]
pub struct PassNote {
    pub title: String,
    pub took_ms: u64,
    pub measured: Measured,
    pub resolution_ms: u64,
    /// How long the student spent on it.
    pub spent_ms: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Board {
    pub notices: Vec<Notice>,
    pub passed: Option<PassNote>,
}

impl Board {
    /// Replaces what was said: a new answer to the student.
    pub fn say(&mut self, n: Notice) {
        self.notices = vec![n];
    }

    /// Adds to what was said.
    pub fn add(&mut self, n: Notice) {
        self.notices.push(n);
    }

    pub fn clear(&mut self) {
        self.notices.clear();
    }
}
