"""Open N idle MySQL client connections and measure the server's RSS per connection.

A connection counts once the server has accepted the login (handshake, empty
root password): that is the state a pooled, idle application connection is
in. Only the standard library is used, so the measurement needs no driver.

Standalone use:
    python3 idle_connections.py --port 3306 --pid 1234 [--connections 1000]
"""

import argparse
import resource
import socket
import struct
import time

CLIENT_LONG_PASSWORD = 0x00000001
CLIENT_PROTOCOL_41 = 0x00000200
CLIENT_TRANSACTIONS = 0x00002000
CLIENT_SECURE_CONNECTION = 0x00008000
CLIENT_PLUGIN_AUTH = 0x00080000

UTF8MB4_GENERAL_CI = 45
MAX_PACKET = 16 * 1024 * 1024


class HandshakeError(Exception):
    pass


def _read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise HandshakeError("server closed the connection during the handshake")
        buf += chunk
    return buf


def _read_packet(sock):
    header = _read_exact(sock, 4)
    length = header[0] | header[1] << 8 | header[2] << 16
    return header[3], _read_exact(sock, length)


def _write_packet(sock, seq, payload):
    sock.sendall(struct.pack("<I", len(payload))[:3] + bytes([seq & 0xFF]) + payload)


def _error_text(payload):
    # ERR packet: 0xff, error code (2), '#', sqlstate (5), message.
    code = struct.unpack_from("<H", payload, 1)[0] if len(payload) >= 3 else 0
    message = payload[9:] if payload[3:4] == b"#" else payload[3:]
    return f"error {code}: {message.decode('utf-8', 'replace')}"


def server_capabilities(greeting):
    """Capability flags from a protocol-10 initial handshake packet."""
    if not greeting or greeting[0] != 10:
        raise HandshakeError(f"unexpected greeting (protocol {greeting[:1].hex()})")
    end_of_version = greeting.index(b"\0", 1)
    pos = end_of_version + 1 + 4 + 8 + 1  # thread id, scramble part 1, filler
    lower = struct.unpack_from("<H", greeting, pos)[0]
    pos += 2 + 1 + 2  # capability lower, charset, status
    upper = struct.unpack_from("<H", greeting, pos)[0] if len(greeting) >= pos + 2 else 0
    return lower | upper << 16


def handshake_response(server_caps, user):
    """HandshakeResponse41 for `user` with an empty password (empty auth data)."""
    wanted = (CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS
              | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH)
    caps = wanted & server_caps | CLIENT_PROTOCOL_41
    payload = struct.pack("<IIB23x", caps, MAX_PACKET, UTF8MB4_GENERAL_CI)
    payload += user.encode() + b"\0"
    payload += b"\0"  # auth response length 0: empty password
    if caps & CLIENT_PLUGIN_AUTH:
        payload += b"mysql_native_password\0"
    return payload


def connect(host, port, user="root", timeout=10.0):
    """Returns a logged-in, idle socket, or raises HandshakeError/OSError."""
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        _, greeting = _read_packet(sock)
        if greeting[:1] == b"\xff":
            raise HandshakeError(_error_text(greeting))
        _write_packet(sock, 1, handshake_response(server_capabilities(greeting), user))
        seq, reply = _read_packet(sock)
        if reply[:1] == b"\xfe":
            # Auth switch: the empty password is empty auth data in any plugin
            # this client can be asked to switch to.
            _write_packet(sock, seq + 1, b"")
            seq, reply = _read_packet(sock)
        if reply[:1] == b"\xff":
            raise HandshakeError(_error_text(reply))
        if reply[:1] != b"\x00":
            raise HandshakeError(f"unexpected reply to login: {reply[:1].hex()}")
        return sock
    except BaseException:
        sock.close()
        raise


def rss_kib(pid):
    return _status_kib(pid, "VmRSS")


def hwm_kib(pid):
    return _status_kib(pid, "VmHWM")


def _status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = hard if hard == resource.RLIM_INFINITY else min(hard, max(needed, soft))
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def measure(host, port, pid, connections, settle_s=2.0, deadline_s=120.0):
    """Opens `connections` idle logins; returns a dict with the RSS numbers.

    RSS is read after the connections have sat idle for `settle_s`, while they
    are still open; all are closed before returning.
    """
    raise_fd_limit(connections + 64)
    before = rss_kib(pid)
    socks = []
    error = ""
    start = time.monotonic()
    try:
        for _ in range(connections):
            if time.monotonic() - start > deadline_s:
                error = f"gave up after {deadline_s:.0f} s"
                break
            try:
                socks.append(connect(host, port))
            except (OSError, HandshakeError) as e:
                error = f"connection {len(socks) + 1}: {e}"
                break
        time.sleep(settle_s)
        after = rss_kib(pid)
    finally:
        for s in socks:
            s.close()
    opened = len(socks)
    return {
        "connections": opened,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_connection": (after - before) / opened if opened else float("nan"),
        "error": error,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="server process id")
    p.add_argument("--connections", type=int, default=1000)
    a = p.parse_args()
    if not a.host.startswith("127.") and a.host not in ("localhost", "::1"):
        p.error("loopback addresses only")
    r = measure(a.host, a.port, a.pid, a.connections)
    print(f"{r['connections']} idle connections: RSS {r['rss_before_kib']} -> "
          f"{r['rss_after_kib']} KiB, {r['kib_per_connection']:.1f} KiB per connection"
          + (f" ({r['error']})" if r["error"] else ""))


if __name__ == "__main__":
    main()
