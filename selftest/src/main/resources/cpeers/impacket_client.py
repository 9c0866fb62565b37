#!/usr/bin/env python3
"""A client the project did not write: impacket's SMBConnection against the server, under libsocket_wrapper.
Usage: impacket_client.py HOST[:PORT] USER PASSWORD SHARE SIZE
Lists the shares, puts SIZE random bytes as impacket.bin, reads them back, and prints one line each:
SHARES name,...  /  DIALECT 0x...  /  PUT <sha256>  /  GOT <sha256>  /  STREAMS ok (a named stream round trip)."""
import hashlib
import io
import os
import sys

from impacket.smbconnection import SMBConnection


def main():
    address, user, password, share, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    host, _, port = address.partition(":")
    conn = SMBConnection(host, host, sess_port=int(port or 445), timeout=30)
    conn.login(user, password)
    names = [s['shi1_netname'][:-1] for s in conn.listShares()]
    print("SHARES " + ",".join(names), flush=True)
    print("DIALECT " + hex(conn.getDialect()), flush=True)
    data = os.urandom(size)
    conn.putFile(share, "impacket.bin", io.BytesIO(data).read)
    print("PUT " + hashlib.sha256(data).hexdigest(), flush=True)
    got = io.BytesIO()
    conn.getFile(share, "impacket.bin", got.write)
    print("GOT " + hashlib.sha256(got.getvalue()).hexdigest(), flush=True)
    note = b"kept in a named stream"
    conn.putFile(share, "impacket.bin:note", io.BytesIO(note).read)
    back = io.BytesIO()
    conn.getFile(share, "impacket.bin:note", back.write)
    print("STREAM " + ("ok" if back.getvalue() == note else "differs: %r" % back.getvalue()), flush=True)
    conn.logoff()


if __name__ == "__main__":
    main()
