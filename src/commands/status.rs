//! `lab status`: where each lab stands, and the cluster.

use console::style;

use super::common;
use crate::app_state::Store;
use crate::config::Config;
use crate::error::Result;
use crate::lab::Lab;
use crate::render::table::Table;
use crate::t;

pub fn run(config: &Config) -> Result<()> {
    let mut table = Table::new(vec![
        t!("status-lab"),
        t!("status-step"),
        t!("status-passed"),
        t!("status-hints"),
        t!("status-time"),
    ]);
    let mut any = false;
    for id in config.catalog.ids() {
        let Ok(lab) = Lab::load(&config.catalog.dir.join(&id)) else {
            continue;
        };
        let Some(m) = lab.manifest.clone() else {
            continue;
        };
        let Some(p) = Store::new(&config.state, &id).load(&m)? else {
            continue;
        };
        any = true;
        let best = crate::app_state::best_grade(&config.state, &id).or(p.best_percent);
        let step = match (&m.exercise, &p.step) {
            (Some(ex), _) => match best {
                Some(b) if b >= f64::from(ex.scheme.pass_mark) => {
                    style(t!("status-exercise-passed", best = format!("{b:.0}")))
                        .green()
                        .to_string()
                }
                Some(b) => t!(
                    "status-exercise-best",
                    best = format!("{b:.0}"),
                    mark = ex.scheme.pass_mark
                ),
                None => t!("status-exercise-ungraded"),
            },
            (None, None) => style(t!("status-finished")).green().to_string(),
            (None, Some(s)) => {
                let i = m.steps.iter().position(|x| &x.id == s).unwrap_or(0);
                format!("{}/{} {s}", i + 1, m.steps.len())
            }
        };

        let end = p.finished_ms.unwrap_or_else(crate::app_state::now_ms);
        let secs = end.saturating_sub(p.started_ms) / 1000;
        table.row(vec![
            lab.title(config.lang),
            step,
            // An exercise has criteria, not steps: its grade says it all.
            if m.exercise.is_some() {
                "-".to_string()
            } else {
                format!("{}/{}", p.passed.len(), m.steps.len())
            },
            p.hints.values().sum::<usize>().to_string(),
            format!("{}:{:02}", secs / 60, secs % 60),
        ]);
    }
    if any {
        crate::out!("{}", table.render());
    } else {
        crate::outln!("{}", t!("status-no-progress"));
    }
    match config.state.record()? {
        Some(r) => {
            let rt = common::runtime()?;
            let cluster = crate::cluster::provision::Cluster::from_record(
                r.clone(),
                &crate::cluster::conn::Auth::from_env(),
            );
            let s = rt.block_on(cluster.inspector().snapshot());
            let health = if s.is_healthy() {
                style(t!("status-cluster-healthy")).green().to_string()
            } else {
                style(t!("status-cluster-unhealthy")).red().to_string()
            };
            crate::outln!(
                "{}",
                t!(
                    "status-cluster",
                    lab = r.lab.as_str(),
                    nodes = s.nodes.len(),
                    total = r.nodes.len(),
                    health = health
                )
            );
        }
        None => crate::outln!("{}", t!("status-no-cluster")),
    }
    Ok(())
}
