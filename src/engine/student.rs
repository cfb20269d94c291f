//! A student at a front-end: slides one at a time, each step checked as the cluster shows it,
//! hints, logs, grades and an exercise's clock.

use std::sync::Arc;

use super::board::Notice;
use super::timing::Look;
use super::{Cluster, Command, Effect, Engine, Fx, Test};
use crate::grade::{self, Inputs};
use crate::lab::manifest::{Background as Starts, Step, StepKind};
use crate::model::ClusterState;
use crate::msg;

impl Engine {
    pub(super) fn command(&mut self, c: Command, fx: &mut Fx) {
        if self.closing {
            // The closing screen waits for a key: back returns to the slides, any other ends.
            if c == Command::Back {
                self.closing = false;
                fx.draw();
            } else {
                fx.push(Effect::Quit);
            }
            return;
        }
        match c {
            Command::Next => self.next(fx),
            Command::Back => self.back(fx),
            Command::Check => self.check_now(fx),
            Command::Hint => self.hint(fx),
            Command::Log => self.log(fx),
            Command::Grade => self.grade(fx),
            Command::Quit => {
                self.save(fx);
                fx.push(Effect::Quit);
            }
        }
    }

    fn moved(&mut self, fx: &mut Fx) {
        self.note_reached();
        self.board.clear();
        // A ✓ is news once: it was shown, it does not follow the student around.
        self.board.passed = None;
        self.save(fx);
        fx.draw();
        self.maybe_start_test(fx);
        // Checks that held while the student read pass the moment they reach the step.
        let held = self
            .current()
            .is_some_and(|(_, st)| self.watch.held_for(st, self.now_ms));
        if held && self.on_current() {
            self.student_pass(fx);
        }
    }

    fn next(&mut self, fx: &mut Fx) {
        if self.nav.is_last() {
            if self.plan.manifest.exercise.is_some() {
                // An exercise ends when the student says so (q), not at its last slide.
                self.board.say(Notice::Info(msg!("start-exercise-end")));
                fx.draw();
                return;
            }
            match self.current().map(|(_, s)| s.clone()) {
                None => self.close(fx),
                Some(s) if s.kind == StepKind::Read => {
                    self.pass_current(fx);
                    if self.progress.step.is_none() {
                        self.close(fx);
                    }
                }
                Some(s) => self.blocked(&s, fx),
            }
            return;
        }
        let target = self.nav.slide + 1;
        // Moving into a later step's slides finishes the current step first.
        while let Some(ts) = self.nav.step_of(target) {
            let Some((ci, step)) = self.current() else {
                break;
            };
            if ts <= ci {
                break;
            }
            if step.kind != StepKind::Read {
                let step = step.clone();
                self.blocked(&step, fx);
                return;
            }
            self.pass_current(fx);
        }
        self.nav.slide = target;
        self.moved(fx);
    }

    fn back(&mut self, fx: &mut Fx) {
        if self.nav.slide > 0 {
            self.nav.slide -= 1;
            self.moved(fx);
        }
    }

    /// The end of the lab: the closing screen, until a key.
    fn close(&mut self, fx: &mut Fx) {
        self.closing = true;
        self.board.clear();
        self.save(fx);
        fx.draw();
    }

    /// The student tried to move past a step whose checks do not hold yet.
    fn blocked(&mut self, step: &Step, fx: &mut Fx) {
        let why = self
            .watch
            .first_failure()
            .cloned()
            .unwrap_or_else(|| msg!("start-not-checked-yet"));
        self.board.say(Notice::Blocked {
            step: step.id.clone(),
            why,
        });
        fx.draw();
    }

    pub(super) fn student_snapshot(&mut self, s: &Arc<ClusterState>, look: Look, fx: &mut Fx) {
        let held = self.watch_current(s, look, fx);
        if held && self.on_current() {
            self.student_pass(fx);
        }
        self.maybe_start_test(fx);
    }

    /// The current step passed while the student was on it.
    fn student_pass(&mut self, fx: &mut Fx) {
        let Some((i, step)) = self.current() else {
            return;
        };
        let kind = step.kind;
        let on_it = self.nav.on_screen() == Some(i);
        let last_of_step = self.nav.last_of_step();
        let Some(note) = self.pass_current(fx) else {
            return;
        };
        self.board.clear();
        self.board.passed = Some(note);
        // An action is done: on to the next step's slides. An observe step leaves the
        // student on the slide they are reading.
        if kind == StepKind::Action
            && on_it
            && last_of_step
            && let Some(next) = self.nav.first_slide_of(i + 1)
        {
            self.nav.slide = next;
            self.save(fx);
        }
        if self.progress.step.is_none() && self.nav.is_last() {
            self.closing = true;
        }
        self.maybe_start_test(fx);
    }

    fn check_now(&mut self, fx: &mut Fx) {
        fx.draw();
        if !self.ready_cluster() {
            self.board.say(Notice::Info(msg!("start-waiting-cluster")));
            return;
        }
        let Some((_, step)) = self.current() else {
            self.board.say(Notice::Info(msg!(
                "check-lab-finished",
                lab = self.plan.lab.id.as_str()
            )));
            return;
        };
        if step.kind == StepKind::Read {
            self.board.say(Notice::Info(msg!("start-nothing-to-check")));
            return;
        }
        let Some(s) = self.latest.clone() else {
            self.board.say(Notice::Info(msg!("start-waiting-cluster")));
            return;
        };
        let step = step.clone();
        let outcome = self.evaluate_now(&step, &s);
        if outcome.passed() {
            self.watch.held.get_or_insert(Look {
                at_ms: s.taken_ms,
                gap_ms: 0,
            });
            if !self.watch.held_for(&step, s.taken_ms) {
                let m = self.watch.holding(&step, s.taken_ms);
                self.board.say(Notice::Info(m));
                return;
            }
            self.student_pass(fx);
        } else {
            self.board
                .say(Notice::Failures(outcome.failures().cloned().collect()));
        }
    }

    /// The hints of the step on screen (a passed step's hints stay readable); an exercise's
    /// are its own and cost points.
    fn hint(&mut self, fx: &mut Fx) {
        fx.draw();
        let lang = self.plan.lang.clone();
        let (key, all) = match &self.plan.manifest.exercise {
            Some(ex) => (self.plan.lab.id.clone(), ex.hints.clone()),
            None => {
                let step = self
                    .nav
                    .on_screen()
                    .and_then(|i| self.plan.manifest.steps.get(i))
                    .or_else(|| self.current().map(|(_, s)| s));
                let Some(step) = step else {
                    self.board.say(Notice::Info(msg!("start-no-hints")));
                    return;
                };
                (step.id.clone(), step.hints.clone())
            }
        };
        let hints = all
            .get(&lang)
            .or_else(|| all.values().next())
            .cloned()
            .unwrap_or_default();
        if hints.is_empty() {
            self.board.say(Notice::Info(msg!("start-no-hints")));
            return;
        }
        let used = self.progress.hints_used(&key);
        let exhausted = used >= hints.len();
        let n = (used + 1).min(hints.len());
        if n > used {
            self.progress.hints.insert(key, n);
            self.save(fx);
        }
        let r = self.renderer();
        let shown = hints[..n]
            .iter()
            .map(|h| r.render(&h.value).unwrap_or_else(|_| h.value.clone()))
            .collect();
        self.board.say(Notice::Hints {
            shown,
            total: hints.len(),
            exhausted,
        });
    }

    /// The log of the node the slide on screen is about, from when its step began.
    fn log(&mut self, fx: &mut Fx) {
        if !self.ready_cluster() {
            self.board.say(Notice::Info(msg!("start-waiting-cluster")));
            fx.draw();
            return;
        }
        let steps = &self.plan.manifest.steps;
        let on_screen = self.nav.on_screen();
        let step = on_screen
            .and_then(|i| steps.get(i))
            .or_else(|| self.current().map(|(_, s)| s));
        let node = step
            .and_then(|s| s.node.clone())
            .or_else(|| self.plan.manifest.topology.nodes().first().cloned());
        let Some(node) = node else { return };
        // From the start of the change the slide is about: the latest action step up to the
        // slide's (the log a "read the logs" step shows was written during the failover).
        let index = on_screen.or_else(|| self.current().map(|(i, _)| i));
        let began = |i: usize| -> Option<u64> {
            let s = steps.get(i)?;
            if Some(s.id.as_str()) == self.progress.step.as_deref() {
                Some(self.progress.step_started_ms)
            } else {
                self.progress.passed_of(&s.id).and_then(|p| p.began_ms)
            }
        };
        let since_ms = index
            .and_then(|i| {
                (0..=i)
                    .rev()
                    .find(|j| steps.get(*j).is_some_and(|s| s.kind == StepKind::Action))
                    .and_then(began)
                    .or_else(|| began(i))
            })
            .unwrap_or(self.progress.started_ms);
        fx.push(Effect::OpenLog { node, since_ms });
    }

    /// Grades the exercise on the latest look at the cluster (at most one poll old).
    fn grade(&mut self, fx: &mut Fx) {
        fx.draw();
        let Some(ex) = self.plan.manifest.exercise.clone() else {
            self.board.say(Notice::Error(msg!(
                "error-not-an-exercise",
                lab = self.plan.lab.id.as_str()
            )));
            return;
        };
        let (true, Some(baseline), Some(now)) = (
            self.ready_cluster(),
            self.progress.baseline.clone(),
            self.latest.clone(),
        ) else {
            self.board.say(Notice::Info(msg!("start-waiting-cluster")));
            return;
        };
        let summary = self.test.summary();
        let renderer = self.renderer_for(Some(&now));
        let render = |t: &str| renderer.render(t).unwrap_or_else(|_| t.to_string());
        let g = grade::grade(&Inputs {
            scheme: &ex.scheme,
            layout: &self.layout,
            baseline: &baseline,
            now: &now,
            consistency: summary.as_ref(),
            hints_used: self.progress.total_hints() as u32,
            lang: &self.plan.lang,
            render: Some(&render),
            key_slots: Some(&self.plan.key_slots),
        });
        self.progress.graded(g.percent, g.passed, self.now_ms);
        self.save(fx);
        fx.push(Effect::SaveGrade {
            grade: Box::new(g.clone()),
            progress: Box::new(self.progress.clone()),
        });
        self.board.say(Notice::Grade {
            grade: Box::new(g.clone()),
            saved: None,
            time_up: self.graded.time_up,
        });
        self.graded.last = Some(Box::new(g));
    }

    pub(super) fn tick(&mut self, second: bool, fx: &mut Fx) {
        let time_up = self.time_left_s() == Some(0)
            && !self.graded.time_up
            && !self.progress.finished()
            && self.ready_cluster();
        if time_up {
            // When an exercise's time is up, it is graded once, as it stands.
            self.graded.time_up = true;
            self.grade(fx);
        }
        if second && (self.time_left_s().is_some() || self.test.running()) {
            fx.draw();
        }
        if matches!(self.cluster, Cluster::Coming(_)) {
            fx.draw();
        }
        self.maybe_start_test(fx);
    }

    /// Starts a background test once the student reaches a step that starts one (an
    /// exercise's, once its cluster is up); a test a check has read is not started again, but a
    /// later `background:` step starts a new one.
    fn maybe_start_test(&mut self, fx: &mut Fx) {
        if !self.ready_cluster() {
            return;
        }
        let exercise_wants = self.test == Test::Idle
            && self
                .plan
                .manifest
                .exercise
                .as_ref()
                .is_some_and(|e| e.background == Some(Starts::Consistency));
        let from = self
            .current()
            .and_then(|(i, _)| self.test_step_for(i))
            .filter(|f| self.nav.reached(*f) && self.may_start_test(*f));
        if exercise_wants || from.is_some() {
            self.test = Test::Starting;
            self.test_from = from;
            fx.push(Effect::StartBackground);
            fx.draw();
        }
    }
}
