#!/usr/bin/env python3
"""A durable open reconnected in another worker of a prefork server: the first connection opens a file with a
batch oplock and DHnQ, writes, locks bytes 0..3 and dies without a logoff; a new connection (a new ClientGuid,
placed in another worker than the first: connections are opened until one is) reconnects it with DHnC. A third
connection's stat open then tries the locked range (the handed-over lock must still hold). Then another user's
DHnC of a second such open is refused, and the owner's own reconnect of it still succeeds.
Usage: durable_handover_client.py HOST[:PORT] SHARE USER PASSWORD OTHER_USER OTHER_PASSWORD
Prints SESSION name 0x<SessionId>, FILEID name <hex>, DATA <hex>, STEP name 0x<status>."""
import struct
import sys
import time

from impacket.smbconnection import SMBConnection
from impacket.smb3 import SessionError
from impacket import smb3structs as s

WORKER_SHIFT = 56  # a SessionId carries its worker number in its top byte (FileIds.WORKER_SHIFT)
MAX_CONNECTIONS = 8
DATA = b"handed over"


class Context:
    """One SMB2_CREATE_CONTEXT (Next 0, name at 16, data at 24): DHnQ or DHnC."""

    def __init__(self, name, data):
        self.raw = struct.pack("<IHHHHI", 0, 16, len(name), 0, 24, len(data)) + name + b"\0" * 4 + data

    def getData(self):
        return self.raw


def status(call):
    try:
        call()
        return 0
    except SessionError as e:
        return e.get_error_code()


def connect(address, user, password, share):
    host, _, port = address.partition(":")
    conn = SMBConnection(host, host, sess_port=int(port or 445), timeout=30)
    conn.login(user, password)
    smb = conn.getSMBServer()
    return conn, smb, smb.connectTree(share)


def session(name, smb):
    sid = smb._Session["SessionID"]
    print("SESSION %s 0x%016x" % (name, sid), flush=True)
    return sid >> WORKER_SHIFT


def lock(smb, tid, fid, flags):
    e = s.SMB2_LOCK_ELEMENT()
    e["Offset"] = 0
    e["Length"] = 4
    e["Flags"] = flags
    body = s.SMB2Lock()
    body["LockCount"] = 1
    body["FileID"] = fid
    body["Locks"] = e.getData()
    packet = smb.SMB_PACKET()
    packet["Command"] = s.SMB2_LOCK
    packet["TreeID"] = tid
    packet["Data"] = body
    answer = smb.recvSMB(smb.sendSMB(packet))
    return answer["Status"]


def durable_open(address, share, user, password, name):
    """Opens NAME durably (batch oplock, DHnQ) in a new connection: (connection, smb, tid, fid, worker)."""
    conn, smb, tid = connect(address, user, password, share)
    worker = session(name, smb)
    fid = smb.create(tid, name, s.FILE_READ_DATA | s.FILE_WRITE_DATA, s.FILE_SHARE_READ | s.FILE_SHARE_WRITE,
                     s.FILE_NON_DIRECTORY_FILE, s.FILE_OVERWRITE_IF, 0, oplockLevel=s.SMB2_OPLOCK_LEVEL_BATCH,
                     createContexts=[Context(b"DHnQ", b"\0" * 16)])
    print("FILEID %s %s" % (name, fid.hex()), flush=True)
    return conn, smb, tid, fid, worker


def elsewhere(address, share, user, password, name, worker, kept):
    """A new connection served by another worker than WORKER (those in between are kept open in KEPT)."""
    for _ in range(MAX_CONNECTIONS):
        conn, smb, tid = connect(address, user, password, share)
        if session(name, smb) != worker:
            return conn, smb, tid
        kept.append(conn)
    raise SystemExit("no connection of %d landed in another worker than %d" % (MAX_CONNECTIONS, worker))


def reconnect(smb, tid, name, fid):
    return smb.create(tid, name, s.FILE_READ_DATA | s.FILE_WRITE_DATA, s.FILE_SHARE_READ | s.FILE_SHARE_WRITE,
                      s.FILE_NON_DIRECTORY_FILE, s.FILE_OPEN, 0, oplockLevel=s.SMB2_OPLOCK_LEVEL_BATCH,
                      createContexts=[Context(b"DHnC", fid)])


def main():
    address, share, user, password, other, other_password = sys.argv[1:7]
    kept = []

    first, smb, tid, fid, worker = durable_open(address, share, user, password, "handover.bin")
    smb.write(tid, fid, DATA, 0, len(DATA))
    print("STEP locked 0x%08x" % lock(smb, tid, fid, s.SMB2_LOCKFLAG_EXCLUSIVE_LOCK
                                      | s.SMB2_LOCKFLAG_FAIL_IMMEDIATELY), flush=True)
    smb._NetBIOSSession.close()  # the connection dies: no LOGOFF, no CLOSE
    time.sleep(1)

    second, bsmb, btid = elsewhere(address, share, user, password, "reconnect", worker, kept)
    got = []
    print("STEP reconnect 0x%08x" % status(lambda: got.append(reconnect(bsmb, btid, "handover.bin", fid))),
          flush=True)
    if got:
        print("FILEID reconnect %s" % got[0].hex(), flush=True)
        print("DATA %s" % bsmb.read(btid, got[0], 0, len(DATA)).hex(), flush=True)
    third, csmb, ctid = connect(address, user, password, share)
    session("third", csmb)
    cfid = csmb.create(ctid, "handover.bin", s.FILE_READ_ATTRIBUTES, s.FILE_SHARE_READ | s.FILE_SHARE_WRITE,
                       s.FILE_NON_DIRECTORY_FILE, s.FILE_OPEN, 0)
    print("STEP third-lock 0x%08x" % lock(csmb, ctid, cfid, s.SMB2_LOCKFLAG_EXCLUSIVE_LOCK
                                          | s.SMB2_LOCKFLAG_FAIL_IMMEDIATELY), flush=True)

    owner, osmb, otid, ofid, oworker = durable_open(address, share, user, password, "refused.bin")
    osmb._NetBIOSSession.close()
    time.sleep(1)
    intruder, ismb, itid = elsewhere(address, share, other, other_password, "intruder", oworker, kept)
    print("STEP other-user 0x%08x" % status(lambda: reconnect(ismb, itid, "refused.bin", ofid)), flush=True)
    again, asmb, atid = elsewhere(address, share, user, password, "owner-again", oworker, kept)
    print("STEP owner-after-refusal 0x%08x" % status(lambda: reconnect(asmb, atid, "refused.bin", ofid)),
          flush=True)
    for c in [second, third, intruder, again] + kept:
        c.logoff()


if __name__ == "__main__":
    main()
