//! `sqld`: start-up. Options (command line, --config file) → data nodes
//! (embedded, or a cluster of MySQL-protocol node groups) → planner →
//! sessions → listener.

use pushdown::cluster::{Cluster, ClusterOptions};
use pushdown::embedded::{EmbeddedNode, EmbeddedOptions};
use pushdown::node::DataNode;
use pushdown::remote::{MetaStore, RemoteNode, RemoteOptions};
use sqld::cluster_config::{redact_url, ClusterConfig};
use sqld::config::{self, Command, Options};
use sqld::protocol::{ProtocolConfig, RsaKeys, SpinPolicy};
use sqld::session::{ServerInfo, Shared};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Adaptive polling (protocol::spin) by default, embedded: 50 µs measured
/// better than 200 (20.4 k against 18.3 k point selects/s at 1 thread).
const DEFAULT_SPIN_WAIT: std::time::Duration = std::time::Duration::from_micros(50);

/// No adaptive polling within this long of a commit's journal sync: the
/// sync's kernel work and the writer thread need the CPU it would take
/// (measured: oltp_read_write at 1 thread lost 10-30 % of its TPS).
const SYNC_QUIET: std::time::Duration = std::time::Duration::from_millis(10);

/// The version clients see: MySQL 8.0 protocol and behaviour, served by sqld
/// (drivers pick features by the leading number).
const SERVER_VERSION: &str = "8.0.36-sqld";

/// mimalloc, called as `allocator` explains.
#[global_allocator]
static ALLOCATOR: sqld::allocator::Allocator = sqld::allocator::Allocator;

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
    // UUID_SHORT() counts from the server's start time.
    pushdown::eval::functions::start_uuid_short();
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
    let (cluster, embedded) = match &o.cluster {
        Some(cfg) => (open_cluster(cfg).await?, None),
        None => {
            let node = open_embedded(&o)?;
            (Cluster::single(node.clone()), Some(node))
        }
    };
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
            // Cluster mode keeps nothing on local disk.
            datadir: if embedded.is_some() {
                o.datadir.clone()
            } else {
                PathBuf::new()
            },
            max_connections: o.max_connections,
            started: std::time::Instant::now(),
        },
    );
    if let Some(def) = sqld::session::vars::lookup("innodb_lock_wait_timeout") {
        shared
            .globals
            .set(def, pushdown::Value::UInt(o.lock_wait_timeout.as_secs()));
    }
    let accounts: Vec<_> = o
        .users
        .iter()
        .map(|u| (u.name.clone(), u.host.clone(), u.password.clone()))
        .collect();
    shared
        .ensure_users(&accounts)
        .await
        .map_err(|e| format!("cannot create the configured accounts: {}", e.message))?;
    shared
        .bootstrap_users(o.initial_root_password.as_deref())
        .await
        .map_err(|e| format!("cannot create the initial accounts: {}", e.message))?;
    let rsa = match (&o.rsa_private_key, &embedded) {
        (Some(path), _) => RsaKeys::load_or_create(path),
        (None, Some(_)) => RsaKeys::load_or_create(&o.datadir.join("rsa_private_key.pem")),
        // Stateless: a key of its own per process. A client that cached
        // another sqld's public key gets a fresh one on its next full auth.
        (None, None) => RsaKeys::generate(2048),
    }
    .map_err(|e| format!("cannot load the RSA key: {e}"))?;
    let mut protocol = ProtocolConfig::new(SERVER_VERSION.to_string(), Arc::new(rsa));
    protocol.spin = SpinPolicy {
        wait: o.spin_wait.unwrap_or(match embedded {
            Some(_) => DEFAULT_SPIN_WAIT,
            None => std::time::Duration::ZERO,
        }),
        allowed: embedded.clone().map(|node| {
            Arc::new(move || !node.synced_within(SYNC_QUIET)) as Arc<dyn Fn() -> bool + Send + Sync>
        }),
    };
    let protocol = Arc::new(protocol);
    println!("sqld: ready for connections. Version: '{SERVER_VERSION}'  port: {port}");
    match &o.cluster {
        Some(cfg) => tracing::info!(
            port,
            node_groups = cfg.node_groups.len(),
            "ready for connections"
        ),
        None => tracing::info!(port, datadir = %o.datadir.display(), "ready for connections"),
    }
    sqld::server::run(listener, shared, protocol).await;
    if let Some(node) = embedded {
        // Committed transactions are already durable when flush-at-commit is
        // on; with it off, this is where the last ones reach the disk.
        node.persist()
            .map_err(|e| format!("cannot flush the data node on shutdown: {}", e.message))?;
    }
    tracing::info!("shutdown complete");
    Ok(())
}

fn open_embedded(o: &Options) -> Result<Arc<EmbeddedNode>, String> {
    std::fs::create_dir_all(&o.datadir)
        .map_err(|e| format!("cannot create data directory {}: {e}", o.datadir.display()))?;
    EmbeddedNode::open(
        &o.datadir.join("embedded"),
        EmbeddedOptions {
            sync_on_commit: o.flush_log_at_trx_commit == 1,
            lock_wait_timeout: o.lock_wait_timeout,
            ..EmbeddedOptions::default()
        },
    )
    .map_err(|e| format!("cannot open the embedded data node: {}", e.message))
}

/// One MySQL-protocol data node per node group, the metadata store on group
/// 0, then the cluster (which creates or loads the partition map and runs
/// recovery of prepared XA branches before the first client).
async fn open_cluster(cfg: &ClusterConfig) -> Result<Arc<Cluster>, String> {
    let opts = || RemoteOptions {
        pool_max: cfg.pool_size,
        connect_timeout: cfg.connect_timeout,
    };
    let mut remotes = Vec::with_capacity(cfg.node_groups.len());
    for (g, url) in cfg.node_groups.iter().enumerate() {
        // The URL is logged and reported without its password.
        let shown = redact_url(url);
        let node = RemoteNode::new(g, url, opts())
            .map_err(|e| format!("node group {g} ({shown}): {}", e.message))?;
        tracing::info!(group = g, data_node = %shown, "node group");
        remotes.push(node);
    }
    let meta_node = redact_url(&cfg.node_groups[0]);
    let meta = MetaStore::new(remotes[0].clone());
    let groups: Vec<Arc<dyn DataNode>> = remotes
        .into_iter()
        .map(|n| n as Arc<dyn DataNode>)
        .collect();
    Cluster::open(
        groups,
        meta,
        ClusterOptions {
            partitions: cfg.partitions,
            recovery_interval: cfg.recovery_interval,
            catalog_poll: cfg.catalog_poll,
            deadlock_timeout: cfg.deadlock_timeout,
        },
    )
    .await
    .map_err(|e| {
        // Errors of the node itself (access denied, unknown database) do
        // not say which node: at start-up it is the metadata store's.
        if e.message.contains("node group") {
            format!("cannot open the cluster: {}", e.message)
        } else {
            format!(
                "cannot open the cluster: node group 0 ({meta_node}), which holds the metadata: {}",
                e.message
            )
        }
    })
}
