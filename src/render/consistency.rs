//! How the consistency test is shown: its live line and its final summary, for `lab
//! consistency`, the runner's status area and `lab test`.

use console::style;

use crate::model::addr::NodeAddr;
use crate::model::consistency::{ChangeKind, Live, OwnerChange, Report, Verdict};
use crate::model::slots::SlotSet;
use crate::t;

/// `12345 R (0 err) | 12340 W (2 err) | 0 lost | 1 noack | 131k ops/s`, and keys still to
/// read on a new owner when some are.
pub fn live_line(l: &Live) -> String {
    let err = |n: u64| {
        let s = t!("cons-err", count = n);
        if n > 0 { style(s).red().to_string() } else { s }
    };
    let lost = if l.explained > 0 {
        t!(
            "cons-lost-explained",
            count = l.lost,
            explained = l.explained
        )
    } else {
        t!("cons-lost", count = l.lost)
    };
    let lost = if l.lost > l.explained {
        style(lost).red().bold().to_string()
    } else if l.lost > 0 {
        style(lost).yellow().to_string()
    } else {
        style(lost).green().to_string()
    };
    let mut line = format!(
        "{} R ({}) | {} W ({}) | {lost} | {} | {}",
        l.reads,
        err(l.read_errors),
        l.writes,
        err(l.write_errors),
        t!("cons-noack", count = l.noack),
        style(t!("cons-ops", ops = format!("{:.0}", l.ops_per_sec))).dim()
    );
    if l.unverified > 0 {
        line.push_str(&format!(
            " | {}",
            style(t!("cons-unverified", count = l.unverified)).yellow()
        ));
    }
    line
}

fn kind_word(k: ChangeKind) -> String {
    match k {
        ChangeKind::Coordinated => t!("cons-kind-coordinated"),
        ChangeKind::Uncoordinated => t!("cons-kind-uncoordinated"),
        ChangeKind::Migration => t!("cons-kind-migration"),
        ChangeKind::Unknown => t!("cons-kind-unknown"),
    }
}

fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

/// The summary lines of a finished run.
pub fn summary(r: &Report) -> Vec<String> {
    let mut out = vec![
        t!(
            "cons-summary-head",
            run = r.run_id.as_str(),
            secs = format!("{:.1}", r.elapsed_ms as f64 / 1000.0),
            workers = r.workers,
            keys = r.keys
        ),
        format!(
            "  {}",
            t!(
                "cons-summary-ops",
                reads = r.reads,
                read_errors = r.read_errors,
                writes = r.writes,
                write_errors = r.write_errors,
                ops = format!("{:.0}", r.ops_per_sec)
            )
        ),
        format!(
            "  {}",
            match r.rate {
                Some(n) => t!("cons-summary-rate", rate = n),
                None => t!("cons-summary-rate-max"),
            }
        ),
        format!("  {}", t!("cons-summary-lost", lost = r.lost)),
    ];
    if r.explained > 0 {
        out.push(format!(
            "  {}",
            t!("cons-summary-explained", explained = r.explained)
        ));
    }
    out.push(format!(
        "  {}",
        t!(
            "cons-summary-unacked",
            noack = r.noack,
            maybe = r.maybe,
            gone = r.gone
        )
    ));
    out.push(format!(
        "  {}",
        t!("cons-summary-sweep", swept = r.swept, ms = r.sweep_ms)
    ));
    if r.unverified > 0 {
        out.push(format!(
            "  {}",
            t!("cons-summary-unverified", count = r.unverified)
        ));
    }
    // MOVED and ASK are how a cluster tells clients that a slot changed owner: expected
    // during a failover or a resharding, so they are not listed as errors.
    let kinds = |redirect: bool| {
        r.errors
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "moved" | "ask") == redirect)
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (redirects, errors) = (kinds(true), kinds(false));
    if !redirects.is_empty() {
        out.push(format!(
            "  {}",
            t!("cons-summary-redirects", kinds = redirects)
        ));
    }
    if !errors.is_empty() {
        out.push(format!("  {}", t!("cons-summary-errors", kinds = errors)));
    }

    if r.owner_changes.is_empty() {
        out.push(format!("  {}", t!("cons-summary-no-failover")));
    }
    for c in owner_moves(&r.owner_changes) {
        let at = if c.first_ms == c.last_ms {
            format!("{:.1}", c.first_ms as f64 / 1000.0)
        } else {
            format!(
                "{:.1}–{:.1}",
                c.first_ms as f64 / 1000.0,
                c.last_ms as f64 / 1000.0
            )
        };
        // Plain replication has one shard: its master changed, not a range of slots.
        if c.slots == SlotSet::all() {
            out.push(format!(
                "  {}",
                t!(
                    "cons-summary-master-changed",
                    from = c.from.to_string(),
                    to = c.to.to_string(),
                    at = at.as_str(),
                    kind = kind_word(c.kind)
                )
            ));
            continue;
        }
        out.push(format!(
            "  {}",
            t!(
                "cons-summary-failover",
                slots = c.slots.to_string(),
                from = c.from.to_string(),
                to = c.to.to_string(),
                at = at,
                kind = kind_word(c.kind)
            )
        ));
    }

    if let Some(w) = r.windows.iter().max_by(|a, b| a.ms.total_cmp(&b.ms)) {
        out.push(format!(
            "  {}",
            t!(
                "cons-summary-window",
                ms = format!("{:.1}", w.ms),
                master = w.master.to_string(),
                at = format!("{:.1}", w.at_ms as f64 / 1000.0),
                resolution = format!("{:.2}", w.resolution_ms)
            )
        ));
    }
    out.push(format!(
        "  {}",
        t!(
            "cons-summary-round-trip",
            p50 = ms(r.round_trip_p50_us),
            p99 = ms(r.round_trip_p99_us),
            max = ms(r.round_trip_max_us)
        )
    ));
    if r.leftovers_removed > 0 {
        out.push(format!(
            "  {}",
            t!("cons-summary-leftovers", count = r.leftovers_removed)
        ));
    }
    out.push(match r.verdict() {
        Verdict::Passed if r.lost > 0 => format!(
            "{} {}",
            style("✓").green().bold(),
            t!("cons-passed-explained", explained = r.explained)
        ),
        Verdict::Passed => format!("{} {}", style("✓").green().bold(), t!("cons-passed")),
        Verdict::Lost(n) => format!(
            "{} {}",
            style("✗").red().bold(),
            t!("cons-failed", lost = n)
        ),
        Verdict::Unverified(n) => format!(
            "{} {}",
            style("?").yellow().bold(),
            t!("cons-unverified-verdict", count = n)
        ),
    });
    out
}

/// Slots that went from one master to another, over one or more owner changes.
#[derive(Debug, PartialEq)]
struct OwnerMove {
    slots: SlotSet,
    from: NodeAddr,
    to: NodeAddr,
    kind: ChangeKind,
    first_ms: u64,
    last_ms: u64,
}

/// Owner changes joined by (from, to, kind), in the order they first happened: a failover is one
/// change, but a resharding is one change per batch of slots, which would be a screenful.
fn owner_moves(changes: &[OwnerChange]) -> Vec<OwnerMove> {
    let mut out: Vec<OwnerMove> = vec![];
    for c in changes {
        let slots: SlotSet = c.slots.parse().unwrap_or_default();
        match out
            .iter_mut()
            .find(|m| m.from == c.from && m.to == c.to && m.kind == c.kind)
        {
            Some(m) => {
                m.slots = m.slots.union(&slots);
                m.last_ms = c.at_ms;
            }
            None => out.push(OwnerMove {
                slots,
                from: c.from.clone(),
                to: c.to.clone(),
                kind: c.kind,
                first_ms: c.at_ms,
                last_ms: c.at_ms,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(slots: &str, from: &str, to: &str, at_ms: u64) -> OwnerChange {
        OwnerChange {
            slots: slots.into(),
            written_slots: 1,
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            at_ms,
            kind: ChangeKind::Migration,
            shard: 0,
        }
    }

    #[test]
    fn a_resharding_s_many_changes_read_as_one_move_per_pair_of_masters() {
        let a = "127.0.158.100:6379";
        let b = "127.0.158.101:6379";
        let moves = owner_moves(&[
            change("5461-5470", b, a, 8100),
            change("5471-5480", b, a, 8200),
            change("6461-10922", b, "127.0.158.102:6380", 9000),
            change("5481-5960", b, a, 8400),
        ]);
        assert_eq!(moves.len(), 2);
        assert_eq!(moves[0].slots.to_string(), "5461-5960");
        assert_eq!((moves[0].first_ms, moves[0].last_ms), (8100, 8400));
        assert_eq!(moves[1].slots.to_string(), "6461-10922");
    }
}
