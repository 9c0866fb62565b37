# A C-side (CPython, under LD_PRELOAD=libsocket_wrapper.so) line echo server for interop tests.
# Usage: echo_server.py HOST PORT [v6]; prints LISTENING and one ACCEPTED line per connection.
import socket, sys, threading

host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if len(sys.argv) > 3 else socket.AF_INET
srv = socket.socket(family, socket.SOCK_STREAM)
srv.bind((host, port))
srv.listen(16)
print("LISTENING %s:%d" % srv.getsockname()[:2], flush=True)

def serve(conn):
    with conn:
        f = conn.makefile("rwb")
        for line in f:
            f.write(line)
            f.flush()

while True:
    conn, peer = srv.accept()
    print("ACCEPTED local=%s:%d peer=%s:%d" % (conn.getsockname()[:2] + conn.getpeername()[:2]), flush=True)
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
