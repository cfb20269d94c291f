//! Templates: one lab text renders for any layout.
//!
//! Slides, hints and solutions write addresses as minijinja calls, so the same lab works on
//! local loopback, on the course's Vagrant VMs, or on any cluster given with `--nodes`:
//!
//! - `{{ node("b", 6380) }}` → `127.0.158.101:6380`
//! - `{{ host("b") }}` → `127.0.158.101`, `{{ port("b", 6380) }}` → `6380` (ports can differ
//!   from the lab's when the layout shares 127.0.0.1)
//! - `{{ node_id("b", 6379) }}` → the node's cluster id, when a cluster is running
//! - `{{ lab }}`, `{{ prefix }}`, `{{ keys }}`: the lab's id, data prefix and key count
//! - `{{ password }}`: the password the lab's steps set, where a slide shows it on purpose
//!
//! Undefined names are errors, so a typo never renders as an empty string.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};

use crate::i18n::Msg;
use crate::model::node::NodeRef;
use crate::model::topology::Layout;
use crate::msg;

/// What templates can refer to besides addresses.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    pub lab: String,
    pub prefix: String,
    pub keys: u64,
    /// Cluster ids of running nodes, when known.
    pub node_ids: BTreeMap<NodeRef, String>,
    /// The lab's password (`topology.password`), for slides that show it on purpose.
    pub password: String,
}

/// A template that did not render: where in its text, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateError {
    /// Byte offset in the template text.
    pub offset: usize,
    pub msg: Msg,
}

pub struct Renderer {
    env: Environment<'static>,
    vars: Value,
}

const MARK: char = '\u{1f}';

/// The work one text may do: an instruction costs about one, 64 bytes created or written
/// about one, so a render stops within milliseconds and a few megabytes. The course's
/// slides need a few hundred.
const FUEL: u64 = 100_000;

/// The longest text a template may render: far beyond any slide, short of any harm.
const MAX_OUTPUT: usize = 1 << 20;

fn fail(m: Msg) -> minijinja::Error {
    let mut s = format!("{MARK}{}", m.id);
    for (k, v) in &m.args {
        if let crate::i18n::Arg::Str(v) = v {
            s.push_str(&format!("{MARK}{k}={v}"));
        }
    }
    minijinja::Error::new(ErrorKind::InvalidOperation, s)
}

fn decode(detail: &str) -> Option<Msg> {
    let rest = detail.strip_prefix(MARK)?;
    let mut parts = rest.split(MARK);
    let id = parts.next()?;
    let id = ["template-unknown-host", "template-unknown-node"]
        .into_iter()
        .find(|k| *k == id)?;
    let mut m = Msg::new(id);
    for p in parts {
        let (k, v) = p.split_once('=')?;
        let k = ["value", "known"].into_iter().find(|n| *n == k)?;
        m = m.arg(k, v);
    }
    Some(m)
}

impl Renderer {
    pub fn new(layout: &Layout, vars: &Vars) -> Renderer {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        // Slides end with a newline that Markdown needs; the default would drop it.
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        let layout = Arc::new(layout.clone());
        let hosts: Vec<String> = {
            let mut h: Vec<String> = layout.iter().map(|(n, _)| n.host.clone()).collect();
            h.dedup();
            h
        };
        let known_hosts = hosts.join(", ");
        let known_nodes = layout
            .iter()
            .map(|(n, _)| n.to_string())
            .collect::<Vec<_>>()
            .join(", ");

        let resolve = {
            let layout = layout.clone();
            let known_nodes = known_nodes.clone();
            move |h: &str, p: u16| -> Result<crate::model::addr::NodeAddr, minijinja::Error> {
                let n = NodeRef::new(h, p);
                layout.addr(&n).cloned().ok_or_else(|| {
                    fail(
                        msg!("template-unknown-node", value = n.to_string())
                            .arg("known", known_nodes.clone()),
                    )
                })
            }
        };
        {
            let resolve = resolve.clone();
            env.add_function("node", move |h: String, p: u16| {
                resolve(&h, p).map(|a| a.to_string())
            });
        }
        {
            let resolve = resolve.clone();
            env.add_function("port", move |h: String, p: u16| {
                resolve(&h, p).map(|a| a.port)
            });
        }
        {
            // Redis's default cluster bus port, which every node of ours uses.
            let resolve = resolve.clone();
            env.add_function("bus_port", move |h: String, p: u16| {
                resolve(&h, p).map(|a| u32::from(a.port) + 10000)
            });
        }

        {
            let layout = layout.clone();
            env.add_function("host", move |h: String| {
                layout.host(&h).map(str::to_string).ok_or_else(|| {
                    fail(msg!(
                        "template-unknown-host",
                        value = h,
                        known = known_hosts.clone()
                    ))
                })
            });
        }
        {
            let ids = vars.node_ids.clone();
            env.add_function("node_id", move |h: String, p: u16| {
                let addr = resolve(&h, p)?;
                Ok::<_, minijinja::Error>(
                    ids.get(&NodeRef::new(h, p))
                        .cloned()
                        // Before a cluster exists there is no id yet; say whose it will be.
                        .unwrap_or_else(|| format!("<node-id-of-{addr}>")),
                )
            });
        }
        let vars = minijinja::context! {
            lab => vars.lab.clone(),
            prefix => vars.prefix.clone(),
            keys => vars.keys,
            password => vars.password.clone(),
        };
        Renderer { env, vars }
    }

    /// Renders one text. Text without template syntax comes back unchanged.
    pub fn render(&self, text: &str) -> Result<String, TemplateError> {
        if !text.contains("{{") && !text.contains("{%") && !text.contains("{#") {
            return Ok(text.to_string());
        }
        let out = self.env.render_str(text, &self.vars).map_err(|e| {
            let offset = e
                .range()
                .map(|r| r.start)
                .or_else(|| {
                    let line = e.line()?;
                    Some(
                        text.split_inclusive('\n')
                            .take(line.saturating_sub(1))
                            .map(str::len)
                            .sum(),
                    )
                })
                .unwrap_or(0)
                .min(text.len());
            // The source span names the culprit in the author's own words; minijinja's detail
            // is English, so it is shown only where nothing better is known.
            let culprit = e
                .range()
                .and_then(|r| text.get(r))
                .map(str::to_string)
                .unwrap_or_default();
            let detail = e.detail().unwrap_or_default().to_string();
            let named = if culprit.is_empty() {
                detail.clone()
            } else {
                culprit
            };

            let msg = decode(&detail).unwrap_or_else(|| match e.kind() {
                ErrorKind::SyntaxError => syntax(&detail),
                ErrorKind::UndefinedError => msg!("template-undefined", detail = named),
                ErrorKind::UnknownFunction => msg!("template-unknown-function", detail = named),
                ErrorKind::OutOfFuel => msg!("template-too-long", steps = FUEL),
                ErrorKind::MissingArgument | ErrorKind::TooManyArguments => {
                    msg!("template-arguments", detail = named)
                }
                ErrorKind::InvalidOperation if !named.is_empty() => {
                    msg!("template-invalid", detail = named)
                }
                _ => msg!("template-error", detail = e.to_string()),
            });
            TemplateError { offset, msg }
        })?;
        if out.len() > MAX_OUTPUT {
            return Err(TemplateError {
                offset: 0,
                msg: msg!("template-too-large", size = MAX_OUTPUT / 1024),
            });
        }
        Ok(out)
    }
}

/// A syntax error in our words where minijinja's phrasing is known.
fn syntax(detail: &str) -> crate::i18n::Msg {
    if detail.contains("unexpected end of input") {
        msg!("template-syntax-unclosed")
    } else if detail.contains("expected end of variable block") {
        msg!("template-syntax-variable")
    } else if detail.contains("expected end of block") {
        msg!("template-syntax-block")
    } else if let Some(name) = detail.strip_prefix("unknown statement ") {
        msg!("template-syntax-statement", name = name.trim())
    } else {
        msg!("template-syntax", detail = detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::topology::tests::course_topology;
    use crate::model::topology::{DEFAULT_LOCAL_BASE, Layout};

    fn local() -> Renderer {
        let vars = Vars {
            lab: "manual-failover".into(),
            prefix: "mf:".into(),
            keys: 6557,
            ..Vars::default()
        };
        Renderer::new(
            &Layout::local(&course_topology(), DEFAULT_LOCAL_BASE),
            &vars,
        )
    }

    #[test]
    fn renders_addresses_for_each_layout() {
        let r = local();
        assert_eq!(
            r.render("redis-cli -c -h {{ host('c') }} -p {{ port('c', 6380) }}")
                .unwrap(),
            "redis-cli -c -h 127.0.158.102 -p 6380"
        );
        assert_eq!(
            r.render("{{ node(\"b\", 6379) }}").unwrap(),
            "127.0.158.101:6379"
        );
        assert_eq!(r.render("{{ prefix }}user:1000").unwrap(), "mf:user:1000");
        assert_eq!(
            r.render("{{ node('c', 6380) }}@{{ bus_port('c', 6380) }}")
                .unwrap(),
            "127.0.158.102:6380@16380"
        );

        assert_eq!(
            r.render("{{ node_id('a', 6379) }}").unwrap(),
            "<node-id-of-127.0.158.100:6379>"
        );
        let v = Renderer::new(&Layout::vagrant(&course_topology()), &Vars::default());
        assert_eq!(
            v.render("{{ node('a', 6380) }}\n").unwrap(),
            "192.168.158.100:6380\n"
        );
        assert_eq!(
            r.render("no templates {here}").unwrap(),
            "no templates {here}"
        );
    }

    #[test]
    fn mistakes_are_errors_with_offsets() {
        let r = local();
        let e = r.render("line\nx {{ nodes }}").unwrap_err();
        assert_eq!(e.msg.id, "template-undefined");
        // Points at the undefined name itself.
        assert_eq!(e.offset, 10);
        let e = r.render("{{ node('d', 6379) }}").unwrap_err();
        assert_eq!(e.msg.id, "template-unknown-node");
        let e = r.render("{{ host('z') }}").unwrap_err();
        assert_eq!(e.msg.id, "template-unknown-host");
        let e = r.render("{{ nod('a', 1) }}").unwrap_err();
        assert_eq!(e.msg.id, "template-unknown-function");
        let e = r.render("ab {{ node('a', 1 }}").unwrap_err();
        assert_eq!(e.msg.id, "template-syntax");
    }

    #[test]
    fn endless_and_huge_templates_are_cut_short() {
        let r = local();
        let started = std::time::Instant::now();
        let e = r
            .render("a\n{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}")
            .unwrap_err();
        assert_eq!(e.msg.id, "template-too-long");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let e = r.render("{{ 'x' * 2000000 }}").unwrap_err();
        assert_eq!(e.msg.id, "template-too-large");
        let e = r.render("{{ 'x' * 90000000 }}").unwrap_err();
        assert_eq!(e.msg.id, "template-too-long");
        // What a slide does stays well within.
        let ok = r.render("{% for p in [6379, 6380] %}{{ node('a', p) }} {% endfor %}");
        assert!(ok.is_ok(), "{ok:?}");
    }
}
