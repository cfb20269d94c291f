//! `lab show`: a lab's slides in the terminal, addresses filled in for a layout.

use crate::cli::{ShowArgs, TopologyArg};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::topology::Layout;
use crate::render::markdown::RenderStyle;
use crate::render::slide;
use crate::{msg, t};

use super::lint::print_diagnostic;

pub fn run(config: &Config, args: &ShowArgs) -> Result<()> {
    let lab = config.catalog.load(&args.lab)?;
    let Some((lang, deck)) = lab.deck(config.lang) else {
        return Err(Error::Usage(msg!("show-no-slides", lab = lab.id.as_str())));
    };
    if !lang.is_empty() && lang != config.lang.code() {
        crate::errln!(
            "{}",
            t!(
                "show-language-fallback",
                wanted = config.lang.code(),
                shown = lang
            )
        );
    }
    let topology = lab.topology();
    let layout = match args.topology {
        TopologyArg::Local => config.local_layout(&topology),
        TopologyArg::Vagrant => Layout::vagrant(&topology),
    };
    let renderer = lab.renderer(&layout);
    let style = RenderStyle {
        color: config.color,
        width: config.width,
        dim: false,
    };
    let steps = deck.step_of_each();
    let mut out = String::new();
    for (s, step) in deck.slides.iter().zip(steps) {
        let starts_step = s.step.as_ref().map(|m| m.step.as_str());
        out.push_str(&slide::header(
            s,
            deck.slides.len(),
            starts_step.or(step),
            style,
        ));
        out.push_str("\n\n");
        let rendered = slide::render(deck, s, &renderer, style, args.notes);
        if let Some(problem) = &rendered.problem {
            print_diagnostic(problem);
        }
        out.push_str(&rendered.text);
        out.push('\n');
    }
    crate::out!("{out}");
    Ok(())
}
