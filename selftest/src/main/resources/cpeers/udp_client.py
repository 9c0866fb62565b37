# A C-side (CPython, under LD_PRELOAD=libsocket_wrapper.so) UDP client for interop tests.
# Usage: udp_client.py HOST PORT [v6] [connect]; sends one datagram (unbound: C autobinds at the
# first send; with "connect", over a connected socket, which C connects at the first send), prints
# the reply and the address it came from.
import socket, sys

host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if "v6" in sys.argv[3:] else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(20)
if "connect" in sys.argv[3:]:
    s.connect((host, port))
    s.send(b"hello from python")
else:
    s.sendto(b"hello from python", (host, port))
print("SENT local=%s:%d" % s.getsockname()[:2], flush=True)
data, peer = s.recvfrom(65536)
print("REPLY %s from %s:%d" % ((data.decode(),) + peer[:2]), flush=True)
