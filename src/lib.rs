//! `lab`: Redis Cluster course labs, written as Markdown slides, run as self-checking
//! exercises on a real cluster. See ARCHITECTURE in the README for how the parts fit.

pub mod app;
pub mod app_state;
pub mod cli;
pub mod cluster;
mod commands;
pub mod config;
pub mod consistency;
pub mod engine;
pub mod error;
pub mod fsutil;
pub mod grade;
pub mod i18n;
pub mod lab;
pub mod live;
pub mod model;
pub mod out;
pub mod pty;
pub mod render;
pub mod serve;
pub mod shell;
pub mod signals;
pub mod verify;
pub mod watch;
