//! Where the student is among the slides, and which step each slide belongs to.

use crate::lab::manifest::Manifest;
use crate::lab::slides::Deck;

#[derive(Clone, Debug)]
pub struct Nav {
    /// The slide on screen.
    pub slide: usize,
    /// The step (index in the manifest) each slide belongs to; slides before the first
    /// marker belong to none.
    step_of: Vec<Option<usize>>,
}

impl Nav {
    pub fn new(deck: &Deck, m: &Manifest, slide: usize) -> Nav {
        let step_of: Vec<Option<usize>> = deck
            .step_of_each()
            .iter()
            .map(|s| s.and_then(|id| m.steps.iter().position(|x| x.id == id)))
            .collect();
        let last = step_of.len().saturating_sub(1);
        Nav {
            slide: slide.min(last),
            step_of,
        }
    }

    pub fn count(&self) -> usize {
        self.step_of.len()
    }

    pub fn is_last(&self) -> bool {
        self.slide + 1 >= self.count()
    }

    /// The step a slide belongs to.
    pub fn step_of(&self, slide: usize) -> Option<usize> {
        self.step_of.get(slide).copied().flatten()
    }

    /// The step of the slide on screen.
    pub fn on_screen(&self) -> Option<usize> {
        self.step_of(self.slide)
    }

    /// The student has reached the slides of step `i` (or gone past them).
    pub fn reached(&self, i: usize) -> bool {
        self.on_screen().is_some_and(|s| s >= i)
    }

    pub fn first_slide_of(&self, step: usize) -> Option<usize> {
        self.step_of.iter().position(|s| *s == Some(step))
    }

    /// The slide is the last of its step's slides.
    pub fn last_of_step(&self) -> bool {
        let here = self.on_screen();
        here.is_some() && self.step_of(self.slide + 1) != here
    }
}
