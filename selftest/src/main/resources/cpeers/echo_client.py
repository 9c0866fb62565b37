# A C-side (CPython, under LD_PRELOAD=libsocket_wrapper.so) line echo client for interop tests.
# Usage: echo_client.py HOST PORT [v6]; prints CONNECTED local/remote and the ECHO.
import socket, sys

host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if len(sys.argv) > 3 else socket.AF_INET
with socket.socket(family, socket.SOCK_STREAM) as s:
    s.connect((host, port))
    print("CONNECTED local=%s:%d remote=%s:%d" % (s.getsockname()[:2] + s.getpeername()[:2]), flush=True)
    f = s.makefile("rwb")
    f.write(b"hello from python\n")
    f.flush()
    print("ECHO " + f.readline().decode().strip(), flush=True)
