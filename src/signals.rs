//! The signals that ask `lab` to stop: Ctrl-C (SIGINT), SIGTERM, and SIGHUP — the terminal
//! was closed, which must clean up exactly as a SIGTERM does, since the nodes run in process
//! groups of their own and the hangup never reaches them.
//!
//! Each long-running command listens through one `Stop`, so none can forget a signal.

use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::error::{Error, Result};

pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGTERM: i32 = 15;

/// The stopping signals, listened to from `listen` on: none is lost between two waits.
pub struct Stop {
    listeners: Vec<(i32, Signal)>,
}

impl Stop {
    pub fn listen() -> Result<Stop> {
        let listeners = [
            (SIGINT, SignalKind::interrupt()),
            (SIGTERM, SignalKind::terminate()),
            (SIGHUP, SignalKind::hangup()),
        ]
        .into_iter()
        .map(|(n, kind)| Ok((n, signal(kind).map_err(|e| Error::io("signal", e))?)))
        .collect::<Result<_>>()?;
        Ok(Stop { listeners })
    }

    /// The number of the next stopping signal.
    pub async fn next(&mut self) -> i32 {
        let waits = self.listeners.iter_mut().map(|(n, s)| {
            let n = *n;
            Box::pin(async move {
                s.recv().await;
                n
            })
        });
        futures::future::select_all(waits).await.0
    }

    /// The next stopping signal, as the error a command returns for it.
    pub async fn interrupted(&mut self) -> Error {
        Error::Interrupted {
            signal: self.next().await,
        }
    }
}
