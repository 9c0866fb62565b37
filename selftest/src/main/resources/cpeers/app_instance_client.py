#!/usr/bin/env python3
"""SMB2_CREATE_APP_INSTANCE_ID ([MS-SMB2] 3.3.5.9.13) seen by clients: the first user opens a file with an
AppInstanceId; another user who learnt the id opens it with the same id from another client (another
ClientGuid): the first handle must stay open. Then the first user's own second client does the same: that closes
the first handle, as the spec wants for a failed-over application.
Usage: app_instance_client.py HOST[:PORT] SHARE USER PASSWORD OTHER_USER OTHER_PASSWORD
Prints STEP name 0x<status> per step."""
import struct
import sys
import uuid

from impacket.smbconnection import SMBConnection
from impacket.smb3 import SessionError
from impacket import smb3structs as s

APP_INSTANCE = bytes.fromhex("45bca66aefa7f74a9008fa462e144d74")  # the context name, a GUID's wire bytes


class AppInstanceContext:
    """One SMB2_CREATE_CONTEXT (Next 0, name at 16, data at 32) carrying StructureSize 20 and the id."""

    def __init__(self, app_id):
        data = struct.pack("<HH", 20, 0) + app_id
        self.raw = struct.pack("<IHHHHI", 0, 16, len(APP_INSTANCE), 0, 32, len(data)) + APP_INSTANCE + data

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


def main():
    address, share, user, password, other, other_password = sys.argv[1:7]
    app_id = uuid.uuid4().bytes
    access = s.FILE_READ_DATA
    shared = s.FILE_SHARE_READ | s.FILE_SHARE_WRITE
    first, smb, tid = connect(address, user, password, share)
    fid = smb.create(tid, "appinst.bin", access | s.FILE_WRITE_DATA, shared, s.FILE_NON_DIRECTORY_FILE,
                     s.FILE_OVERWRITE_IF, 0, createContexts=[AppInstanceContext(app_id)])
    print("STEP opened 0x00000000", flush=True)

    intruder, ismb, itid = connect(address, other, other_password, share)
    print("STEP other-user 0x%08x" % status(lambda: ismb.create(
        itid, "appinst.bin", access, shared, s.FILE_NON_DIRECTORY_FILE, s.FILE_OPEN, 0,
        createContexts=[AppInstanceContext(app_id)])), flush=True)
    print("STEP first-after-other-user 0x%08x" % status(lambda: smb.queryInfo(tid, fid)), flush=True)

    again, asmb, atid = connect(address, user, password, share)
    print("STEP same-user 0x%08x" % status(lambda: asmb.create(
        atid, "appinst.bin", access, shared, s.FILE_NON_DIRECTORY_FILE, s.FILE_OPEN, 0,
        createContexts=[AppInstanceContext(app_id)])), flush=True)
    print("STEP first-after-same-user 0x%08x" % status(lambda: smb.queryInfo(tid, fid)), flush=True)
    for c in (again, intruder, first):
        c.logoff()


if __name__ == "__main__":
    main()
