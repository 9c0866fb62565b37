# A C-side (CPython, under LD_PRELOAD=libsocket_wrapper.so) UDP echo server for interop tests.
# Usage: udp_echo_server.py HOST PORT [v6]; prints BOUND, then one ECHOED line per datagram.
import socket, sys

host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if len(sys.argv) > 3 else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((host, port))
print("BOUND %s:%d" % s.getsockname()[:2], flush=True)
while True:
    data, peer = s.recvfrom(65536)
    print("ECHOED %d from %s:%d" % ((len(data),) + peer[:2]), flush=True)
    try:
        s.sendto(data, peer)
    except OSError as e:  # the sender is gone (a broadcaster that exited): UDP loses the reply
        print("LOST reply to %s:%d: %s" % (peer[:2] + (e,)), flush=True)
