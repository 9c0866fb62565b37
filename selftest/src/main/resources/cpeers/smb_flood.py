"""A hostile SMB2 peer over raw sockets (run under libsocket_wrapper): each mode is one way a peer
could try to exhaust the server before logon, and prints what the server did, one result line.

  sessions HOST PORT CONNS PER_CONN  NEGOTIATE, then PER_CONN SESSION_SETUPs (NTLMSSP NEGOTIATE) never
                                     finished, on each of CONNS connections; counts the answers
  pipelined HOST PORT COUNT WINDOW   NEGOTIATE, then COUNT SESSION_SETUPs on one connection, WINDOW of them
                                     in flight at a time, never finished; counts the answers
  prefix HOST PORT CONNS BYTES       the 4-byte header of a 16 MiB frame then BYTES of it, before NEGOTIATE,
                                     on CONNS connections; counts those the server closed
  idle HOST PORT CONNS WAIT          CONNS connections that send nothing: how many the server refused at
                                     once, and how many of the others it closed within WAIT seconds
  noread HOST PORT COUNT SECONDS     NEGOTIATE, then COUNT ECHO requests without ever reading a reply:
                                     whether the server stopped reading (the sends block)
"""
import errno
import select
import socket
import struct
import sys
import time

NEGOTIATE, SESSION_SETUP, ECHO = 0, 1, 13
MORE_PROCESSING_REQUIRED = 0xC0000016
ANSWER_TIMEOUT = 30.0
GRANTED = {}  # socket descriptor -> credits the NEGOTIATE response granted


def header(command, message_id, session_id=0, credit_request=64):
    return (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 0, 0, command, credit_request, 0, 0, message_id, 0, 0,
                                     session_id) + b"\0" * 16)


def frame(message):
    return struct.pack(">I", len(message)) + message


def negotiate_request():
    # StructureSize 36, one dialect (2.0.2: no ClientGuid, no negotiate contexts), signing enabled
    return header(NEGOTIATE, 0) + struct.pack("<HHHHI16sQH", 36, 1, 1, 0, 0, b"\0" * 16, 0, 0x0202)


def session_setup_request(message_id):
    ntlm_negotiate = b"NTLMSSP\0" + struct.pack("<II", 1, 0x60088215) + b"\0" * 16
    body = struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 64 + 24, len(ntlm_negotiate), 0)
    return header(SESSION_SETUP, message_id) + body + ntlm_negotiate


def echo_request(message_id):
    return header(ECHO, message_id) + struct.pack("<HH", 4, 0)


def connect(host, port):
    s = socket.create_connection((host, port), timeout=ANSWER_TIMEOUT)
    return s


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise ConnectionError("server closed the connection after %d of %d bytes" % (len(out), n))
        out += chunk
    return out


def read_answer(s):
    """The next reply's (status, SessionId)."""
    length = struct.unpack(">I", recv_exact(s, 4))[0]
    message = recv_exact(s, length)
    status = struct.unpack_from("<I", message, 8)[0]
    session_id = struct.unpack_from("<Q", message, 40)[0]
    return status, session_id


def negotiated(host, port):
    s = connect(host, port)
    s.sendall(frame(negotiate_request()))
    length = struct.unpack(">I", recv_exact(s, 4))[0]
    message = recv_exact(s, length)
    status, credits = struct.unpack_from("<I", message, 8)[0], struct.unpack_from("<H", message, 14)[0]
    if status != 0:
        raise RuntimeError("NEGOTIATE answered 0x%08x" % status)
    GRANTED[s.fileno()] = credits
    return s


def closed_within(sockets, timeout):
    """Those of sockets the server closes (or resets) within timeout seconds, all watched together."""
    for s in sockets:
        s.setblocking(False)
    open_ = list(sockets)
    closed = []
    deadline = time.monotonic() + timeout
    while open_:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        readable, _, _ = select.select(open_, [], [], left)
        for s in readable:
            try:
                if s.recv(65536):
                    continue
            except BlockingIOError:
                continue
            except OSError:
                pass
            open_.remove(s)
            closed.append(s)
    return closed


def mode_sessions(host, port, conns, per_conn):
    total_more = 0
    sockets = []
    for c in range(conns):
        s = negotiated(host, port)
        sockets.append(s)
        counts = {}
        for i in range(per_conn):
            s.sendall(frame(session_setup_request(1 + i)))
            status, _ = read_answer(s)
            counts[status] = counts.get(status, 0) + 1
        more = counts.pop(MORE_PROCESSING_REQUIRED, 0)
        total_more += more
        print("conn %d more=%d refused=%s" % (c, more, ",".join("0x%08x:%d" % kv for kv in sorted(counts.items()))
                                               or "none"), flush=True)
    # the server still answers on the first connection
    sockets[0].sendall(frame(echo_request(1 + per_conn)))
    status, _ = read_answer(sockets[0])
    print("sessions-done more=%d echo=0x%08x" % (total_more, status), flush=True)


def mode_pipelined(host, port, count, window):
    """Keeps within the credits granted: MessageIds below 1 + all credits granted so far."""
    s = negotiated(host, port)
    id_limit = 1 + GRANTED[s.fileno()]
    counts = {}
    sent = answered = 0
    pending = b""
    buf = b""
    s.setblocking(False)
    last_progress = time.monotonic()
    while answered < count:
        while sent < count and sent - answered < window and 1 + sent < id_limit and len(pending) < 65536:
            pending += frame(session_setup_request(1 + sent))
            sent += 1
        _, writable, _ = select.select([s], [s] if pending else [], [], 1.0)
        if pending and writable:
            try:
                pending = pending[s.send(pending):]
                last_progress = time.monotonic()
            except BlockingIOError:
                pass
            except OSError:
                break  # the server went away: report how far it answered
        try:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            buf += chunk
            last_progress = time.monotonic()
        except BlockingIOError:
            pass
        except OSError:
            break
        at = 0
        while len(buf) - at >= 4:
            length = struct.unpack_from(">I", buf, at)[0]
            if len(buf) - at < 4 + length:
                break
            status = struct.unpack_from("<I", buf, at + 4 + 8)[0]
            id_limit += struct.unpack_from("<H", buf, at + 4 + 14)[0]
            counts[status] = counts.get(status, 0) + 1
            answered += 1
            at += 4 + length
        buf = buf[at:]
        if time.monotonic() - last_progress > ANSWER_TIMEOUT:
            break
    more = counts.pop(MORE_PROCESSING_REQUIRED, 0)
    print("pipelined-done answered=%d of %d more=%d refused=%s" % (
        answered, count, more, ",".join("0x%08x:%d" % kv for kv in sorted(counts.items())) or "none"), flush=True)


def mode_prefix(host, port, conns, nbytes):
    sockets = []
    for _ in range(conns):
        s = connect(host, port)
        try:
            s.sendall(struct.pack(">I", 0xFFFF00))  # 16 MiB - 256: within the protocol's maximum
            chunk = b"\0" * 65536
            sent = 0
            while sent < nbytes:
                s.sendall(chunk[:min(len(chunk), nbytes - sent)])
                sent += min(len(chunk), nbytes - sent)
        except OSError:
            pass  # closed while sending: what a server that refuses the frame does
        sockets.append(s)
    closed = len(closed_within(sockets, 10.0))
    print("prefix-done closed=%d open=%d" % (closed, conns - closed), flush=True)


def mode_idle(host, port, conns, wait):
    start = time.monotonic()
    sockets = [connect(host, port) for _ in range(conns)]
    # a refusal is immediate; a second is plenty even on a slow machine, and far below the timeout
    refused = closed_within(sockets, 1.0)
    kept = [s for s in sockets if s not in refused]
    print("idle-open refused=%d open=%d" % (len(refused), len(kept)), flush=True)
    closed = closed_within(kept, max(0.0, start + wait - time.monotonic()))
    print("idle-done closed=%d of %d within %d s" % (len(closed), len(kept), wait), flush=True)


def mode_noread(host, port, count, seconds):
    s = negotiated(host, port)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    data = b"".join(frame(echo_request(1 + i)) for i in range(count))
    s.setblocking(False)
    sent = 0
    last_progress = time.monotonic()
    deadline = last_progress + seconds
    while sent < len(data) and time.monotonic() < deadline:
        _, writable, _ = select.select([], [s], [], 0.2)
        if writable:
            try:
                n = s.send(data[sent:sent + 65536])
                sent += n
                last_progress = time.monotonic()
                continue
            except BlockingIOError:
                pass
            except OSError as e:
                print("noread-done error=%s sent=%d of %d" % (errno.errorcode.get(e.errno, e.errno), sent,
                                                               len(data)), flush=True)
                return
        if time.monotonic() - last_progress > 3.0:
            break
    print("noread-done blocked=%s sent=%d of %d" % ("true" if sent < len(data) else "false", sent, len(data)),
          flush=True)
    time.sleep(120)  # hold the connection while the test checks the other clients; it ends this process


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    a, b = int(sys.argv[4]), int(sys.argv[5])
    {"sessions": mode_sessions, "pipelined": mode_pipelined, "prefix": mode_prefix, "idle": mode_idle, "noread": mode_noread}[mode](
        host, port, a, b)


if __name__ == "__main__":
    main()
