# A C-side name lookup for interop tests, run with LD_PRELOAD=libsocket_wrapper.so:libresolv_wrapper.so
# and RESOLV_WRAPPER_HOSTS: resolves NAME with libc's res_query (what resolv_wrapper wraps), prints
# RESOLVED NAME ADDRESS, then connects to ADDRESS:PORT, sends a line and prints the ECHO.
# Usage: resolve_connect.py NAME PORT
import ctypes, socket, struct, sys

name, port = sys.argv[1], int(sys.argv[2])
libc = ctypes.CDLL(None)  # the global namespace: the preloaded res_query comes first
answer = ctypes.create_string_buffer(4096)
n = libc.res_query(name.encode(), 1, 1, answer, len(answer))  # class IN, type A
if n < 12:
    print("UNRESOLVED %s res_query=%d" % (name, n), flush=True)
    sys.exit(1)
msg = answer.raw[:n]
qdcount, ancount = struct.unpack("!HH", msg[4:8])

def skip_name(pos):
    while True:
        length = msg[pos]
        if length == 0:
            return pos + 1
        if length & 0xC0 == 0xC0:
            return pos + 2
        pos += 1 + length

pos = 12
for _ in range(qdcount):
    pos = skip_name(pos) + 4
address = None
for _ in range(ancount):
    pos = skip_name(pos)
    rtype, _, _, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
    pos += 10
    if rtype == 1 and rdlen == 4:
        address = socket.inet_ntoa(msg[pos:pos + 4])
    pos += rdlen
if address is None:
    print("UNRESOLVED %s no A record in %d answers" % (name, ancount), flush=True)
    sys.exit(1)
print("RESOLVED %s %s" % (name, address), flush=True)
with socket.create_connection((address, port)) as s:
    f = s.makefile("rwb")
    f.write(b"hello from python\n")
    f.flush()
    print("ECHO " + f.readline().decode().strip(), flush=True)
