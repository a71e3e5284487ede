//! The client against a scripted server on loopback: the packets MariaDB
//! sends in cases a real node rarely produces on demand (column
//! definitions left out and then changed, an error after rows, malformed
//! answers).

use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MARIADB_CACHE_METADATA: u32 = 0x10;

/// A packet with sequence number `seq`.
fn packet(seq: u8, payload: &[u8]) -> Vec<u8> {
    let n = payload.len();
    let mut out = vec![n as u8, (n >> 8) as u8, (n >> 16) as u8, seq];
    out.extend_from_slice(payload);
    out
}

/// A MariaDB 10.11 greeting offering metadata caching.
fn greeting() -> Vec<u8> {
    let caps = (CapabilityFlags::CLIENT_PROTOCOL_41
        | CapabilityFlags::CLIENT_SECURE_CONNECTION
        | CapabilityFlags::CLIENT_PLUGIN_AUTH
        | CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | CapabilityFlags::CLIENT_DEPRECATE_EOF
        | CapabilityFlags::CLIENT_MULTI_STATEMENTS
        | CapabilityFlags::CLIENT_MULTI_RESULTS
        | CapabilityFlags::CLIENT_TRANSACTIONS)
        .bits();
    let mut p = vec![10];
    p.extend_from_slice(b"5.5.5-10.11.0-MariaDB\0");
    p.extend_from_slice(&1u32.to_le_bytes());
    p.extend_from_slice(b"abcdefgh\0");
    p.extend_from_slice(&(caps as u16).to_le_bytes());
    p.push(45);
    p.extend_from_slice(&2u16.to_le_bytes());
    p.extend_from_slice(&((caps >> 16) as u16).to_le_bytes());
    p.push(21);
    p.extend_from_slice(&[0; 6]);
    p.extend_from_slice(&MARIADB_CACHE_METADATA.to_le_bytes());
    p.extend_from_slice(b"ijklmnopqrst\0");
    p.extend_from_slice(b"mysql_native_password\0");
    p
}

fn column_def(ty: ColumnType) -> Vec<u8> {
    let mut p = Vec::new();
    for s in ["def", "db", "t", "t", "c", "c"] {
        p.push(s.len() as u8);
        p.extend_from_slice(s.as_bytes());
    }
    p.extend_from_slice(&[0x0c, 45, 0, 20, 0, 0, 0, ty as u8, 0, 0, 0, 0, 0]);
    p
}

const OK: &[u8] = b"\x00\x00\x00\x02\x00\x00\x00";
const END: &[u8] = b"\xfe\x00\x00\x02\x00\x00\x00";

/// Reads one packet's payload from the client.
async fn read(s: &mut TcpStream) -> Vec<u8> {
    let mut h = [0u8; 4];
    s.read_exact(&mut h).await.unwrap();
    let n = usize::from(h[0]) | usize::from(h[1]) << 8 | usize::from(h[2]) << 16;
    let mut p = vec![0; n];
    s.read_exact(&mut p).await.unwrap();
    p
}

/// A server that greets, accepts the login (checking that the client
/// asked for metadata caching), then answers each command with the next
/// list of packets of `script`.
async fn serve(script: Vec<Vec<Vec<u8>>>) -> (ConnectOpts, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        s.write_all(&packet(0, &greeting())).await.unwrap();
        let login = read(&mut s).await;
        let ext = u32::from_le_bytes(login[28..32].try_into().unwrap());
        assert_eq!(
            ext, MARIADB_CACHE_METADATA,
            "metadata caching not asked for"
        );
        s.write_all(&packet(2, OK)).await.unwrap();
        for answer in script {
            read(&mut s).await;
            let mut out = Vec::new();
            for (i, p) in answer.iter().enumerate() {
                out.extend_from_slice(&packet(i as u8 + 1, p));
            }
            s.write_all(&out).await.unwrap();
        }
        // Wait for the client to go.
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest).await;
    });
    let opts = ConnectOpts {
        host: "127.0.0.1".into(),
        port,
        user: "u".into(),
        password: String::new(),
        db: None,
        tls: None,
        init: Vec::new(),
    };
    (opts, server)
}

/// A binary row of one non-NULL value.
fn binary_row(value: &[u8]) -> Vec<u8> {
    let mut p = vec![0x00, 0x00];
    p.extend_from_slice(value);
    p
}

#[tokio::test]
async fn left_out_column_definitions_are_the_last_ones_sent() {
    let prepare_ok = {
        let mut p = vec![0x00];
        p.extend_from_slice(&7u32.to_le_bytes());
        p.extend_from_slice(&1u16.to_le_bytes()); // columns
        p.extend_from_slice(&0u16.to_le_bytes()); // parameters
        p.extend_from_slice(&[0, 0, 0]);
        p
    };
    let script = vec![
        vec![prepare_ok, column_def(ColumnType::MYSQL_TYPE_LONGLONG)],
        // Metadata left out: the prepare's LONGLONG.
        vec![vec![1, 0], binary_row(&42i64.to_le_bytes()), END.to_vec()],
        // The column changed type: sent again.
        vec![
            vec![1, 1],
            column_def(ColumnType::MYSQL_TYPE_VAR_STRING),
            binary_row(b"\x02hi"),
            END.to_vec(),
        ],
        // Left out again: the VAR_STRING just sent.
        vec![vec![1, 0], binary_row(b"\x03bye"), END.to_vec()],
    ];
    let (opts, server) = serve(script).await;
    let mut conn = Conn::connect(&opts).await.unwrap();
    assert!(conn.cache_metadata);
    let stmt = conn.prepare("SELECT c FROM t").await.unwrap();
    assert_eq!(
        conn.exec_rows(&stmt, &[]).await.unwrap(),
        vec![vec![Value::Int(42)]]
    );
    assert_eq!(
        conn.exec_rows(&stmt, &[]).await.unwrap(),
        vec![vec![Value::Bytes(b"hi".to_vec())]]
    );
    assert_eq!(
        conn.exec_rows(&stmt, &[]).await.unwrap(),
        vec![vec![Value::Bytes(b"bye".to_vec())]]
    );
    assert!(!conn.out_of_step());
    drop(conn);
    server.await.unwrap();
}

#[tokio::test]
async fn an_error_after_rows_ends_the_command_and_keeps_the_connection() {
    let err = b"\xff\x26\x04#23000Duplicate entry".to_vec();
    let script = vec![
        // A text result with one row, then an error.
        vec![
            vec![1, 1],
            column_def(ColumnType::MYSQL_TYPE_VAR_STRING),
            b"\x01a".to_vec(),
            err,
        ],
        // Two statements: OK with "more results", then OK.
        vec![b"\x00\x00\x00\x0a\x00\x00\x00".to_vec(), OK.to_vec()],
    ];
    let (opts, server) = serve(script).await;
    let mut conn = Conn::connect(&opts).await.unwrap();
    match conn.query_rows("SELECT a FROM t").await {
        Err(WireError::Server {
            code: 1062,
            message,
        }) => assert_eq!(message, "Duplicate entry"),
        other => panic!("{other:?}"),
    }
    assert!(!conn.out_of_step());
    conn.query_drop("SET @a = 1; SET @b = 2").await.unwrap();
    assert!(!conn.out_of_step());
    drop(conn);
    server.await.unwrap();
}

#[tokio::test]
async fn malformed_answers_are_errors_and_leave_the_connection_out_of_step() {
    for bad in [
        vec![vec![1, 1], b"\x03def".to_vec()], // a cut column definition
        vec![vec![1, 0]],                      // metadata left out of a text result
        vec![vec![0xFB, b'f']],                // a LOCAL INFILE request
        vec![vec![]],                          // an empty packet
    ] {
        let (opts, server) = serve(vec![bad.clone()]).await;
        let mut conn = Conn::connect(&opts).await.unwrap();
        let result = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            conn.query_rows("SELECT 1"),
        )
        .await
        .expect("the client waited for more");
        assert!(
            matches!(result, Err(WireError::Protocol(_))),
            "{bad:?}: {result:?}"
        );
        assert!(conn.out_of_step(), "{bad:?}");
        drop(conn);
        server.await.unwrap();
    }
}
