//! `sqld`: start-up. Options → data node → planner → sessions → listener.

use pushdown::cluster::Cluster;
use pushdown::embedded::{EmbeddedNode, EmbeddedOptions};
use sqld::config::{self, Command, Options};
use sqld::protocol::{ProtocolConfig, RsaKeys};
use sqld::session::{ServerInfo, Shared};
use std::process::ExitCode;
use std::sync::Arc;

/// The version clients see: MySQL 8.0 protocol and behaviour, served by sqld
/// (drivers pick features by the leading number).
const SERVER_VERSION: &str = "8.0.36-sqld";

fn main() -> ExitCode {
    let options = match config::parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(o)) => *o,
        Ok(Command::Help) => {
            print!("{}", config::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!(
                "sqld Ver {} (MySQL {SERVER_VERSION} compatible)",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("sqld: {e}\nTry 'sqld --help'.");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(tracing_subscriber::EnvFilter::new(format!(
            "{},fjall=warn,lsm_tree=warn",
            options.log_level
        )))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sqld: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("sqld: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(o: Options) -> Result<(), String> {
    std::fs::create_dir_all(&o.datadir)
        .map_err(|e| format!("cannot create data directory {}: {e}", o.datadir.display()))?;
    let node = EmbeddedNode::open(
        &o.datadir.join("embedded"),
        EmbeddedOptions {
            sync_on_commit: o.flush_log_at_trx_commit == 1,
            lock_wait_timeout: o.lock_wait_timeout,
            ..EmbeddedOptions::default()
        },
    )
    .map_err(|e| format!("cannot open the embedded data node: {}", e.message))?;
    let cluster = Cluster::single(node.clone());
    let planner = planner::Planner::open(cluster)
        .await
        .map_err(|e| format!("cannot load the catalog: {}", e.message))?;
    let listener = tokio::net::TcpListener::bind((o.bind_address.as_str(), o.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", o.bind_address, o.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let shared = Shared::new(
        planner,
        ServerInfo {
            version: SERVER_VERSION.to_string(),
            port,
            bind_address: o.bind_address.clone(),
            datadir: o.datadir.clone(),
            max_connections: o.max_connections,
            started: std::time::Instant::now(),
        },
    );
    if let Some(def) = sqld::session::vars::lookup("innodb_lock_wait_timeout") {
        shared
            .globals
            .set(def, pushdown::Value::UInt(o.lock_wait_timeout.as_secs()));
    }
    shared
        .bootstrap_users(o.initial_root_password.as_deref())
        .await
        .map_err(|e| format!("cannot create the initial accounts: {}", e.message))?;
    let rsa = RsaKeys::load_or_create(&o.datadir.join("rsa_private_key.pem"))
        .map_err(|e| format!("cannot load the RSA key: {e}"))?;
    let protocol = Arc::new(ProtocolConfig::new(
        SERVER_VERSION.to_string(),
        Arc::new(rsa),
    ));
    println!("sqld: ready for connections. Version: '{SERVER_VERSION}'  port: {port}");
    tracing::info!(port, datadir = %o.datadir.display(), "ready for connections");
    sqld::server::run(listener, shared, protocol).await;
    // Committed transactions are already durable when flush-at-commit is on;
    // with it off, this is where the last ones reach the disk.
    node.persist()
        .map_err(|e| format!("cannot flush the data node on shutdown: {}", e.message))?;
    tracing::info!("shutdown complete");
    Ok(())
}
