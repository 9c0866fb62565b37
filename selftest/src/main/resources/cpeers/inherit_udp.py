# Runs a command with a real (not wrapped) UDP socket on 127.0.0.1 as its stdin, as inetd hands a
# service its socket: the agent must refuse to use it. Run WITHOUT libsocket_wrapper.
# Usage: inherit_udp.py COMMAND [ARGS...]
import os, socket, sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print("REAL %s:%d" % s.getsockname(), flush=True)
os.dup2(s.fileno(), 0)
os.execv(sys.argv[1], sys.argv[1:])
