//! `lab logs <node> [-f]`: a local node's log, for reading (logs are never checks).

use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

use super::cluster::member;
use crate::cli::LogsArgs;
use crate::cluster::conn::Auth;
use crate::cluster::local::LocalNode;
use crate::cluster::provision;
use crate::cluster::statedir::Backend;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::msg;

pub fn run(config: &Config, args: &LogsArgs) -> Result<()> {
    let cluster = provision::current(&config.state, &Auth::default())?
        .ok_or_else(|| Error::Usage(msg!("error-no-cluster")))?;
    if cluster.record.backend != Backend::Local {
        return Err(Error::Usage(msg!("error-logs-remote")));
    }
    let m = member(&cluster, &args.node)?;
    let node = LocalNode::new(&config.state, m.name.clone(), m.target.addr.clone());
    let path = node.log();
    let mut file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| Error::io(&path, e))?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = std::io::stdout().lock();
    for l in &lines[lines.len().saturating_sub(args.lines)..] {
        let _ = writeln!(out, "{l}");
    }
    let _ = out.flush();
    if !args.follow {
        return Ok(());
    }
    // Follow: print what is appended until Ctrl-C (or the node's directory goes away).
    let mut pos = file
        .seek(SeekFrom::End(0))
        .map_err(|e| Error::io(&path, e))?;
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let Ok(mut f) = std::fs::File::open(&path) else {
            return Ok(());
        };
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        if len < pos {
            pos = 0;
        }
        if len > pos {
            let mut buf = String::new();
            if f.seek(SeekFrom::Start(pos)).is_ok() && f.read_to_string(&mut buf).is_ok() {
                let mut out = std::io::stdout().lock();
                if out
                    .write_all(buf.as_bytes())
                    .and_then(|()| out.flush())
                    .is_err()
                {
                    return Ok(());
                }
                pos = len;
            }
        }
    }
}
