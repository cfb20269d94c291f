//! The Vagrant machines' provisioning, proved without Vagrant, systemd or root:
//! `vagrant/test-provision.sh` writes every kind's files into scratch directories, starts the
//! nodes and Sentinels they describe on loopback (127.0.99.x, 127.0.98.x) and checks them.

use std::process::Command;

#[test]
fn provision_sh_sets_up_clusters_replicas_and_sentinels() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vagrant/test-provision.sh");
    let out = Command::new("bash")
        .arg(&script)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("all provision.sh tests passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
