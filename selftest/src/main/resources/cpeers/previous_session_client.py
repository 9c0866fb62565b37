#!/usr/bin/env python3
"""PreviousSessionId ([MS-SMB2] 3.3.5.5.3) across connections of different ClientGuids (impacket draws one per
connection): the first connection logs on, connects the share and opens a file with no sharing; a second
connection logs on as another user naming the first session as PreviousSessionId, which must end nothing; a
third logs on as the first user naming it, which ends it: its handle and tree answer USER_SESSION_DELETED, and
the file opens again with no sharing (the old open is closed).
Usage: previous_session_client.py HOST[:PORT] SHARE USER PASSWORD OTHER_USER OTHER_PASSWORD
Prints STEP name 0x<status> per step, and SESSION name 0x<SessionId> <ServerGuid> per logon."""
import sys

from impacket import smb3
from impacket import smb3structs as s
from impacket.smbconnection import SMBConnection
from impacket.smb3 import SessionError

SessionSetup = smb3.SMB2SessionSetup


def with_previous(previous):
    """impacket sends PreviousSessionId 0: its SESSION_SETUP structure, with the field set, for one logon."""

    class Previous(SessionSetup):
        def __init__(self, *args, **kwargs):
            SessionSetup.__init__(self, *args, **kwargs)
            self['PreviousSessionId'] = previous

    return Previous


def status(call):
    try:
        call()
        return 0
    except SessionError as e:
        return e.get_error_code()


def connect(address, user, password, share, previous=0):
    host, _, port = address.partition(":")
    # SMB 2.1: unencrypted, so that a request naming the ended session is answered (an encrypted one whose
    # session is gone cannot be read, and its connection is closed, as Samba does)
    conn = SMBConnection(host, host, sess_port=int(port or 445), timeout=30, preferredDialect=s.SMB2_DIALECT_21)
    smb3.SMB2SessionSetup = with_previous(previous)
    try:
        conn.login(user, password)
    finally:
        smb3.SMB2SessionSetup = SessionSetup
    smb = conn.getSMBServer()
    print("SESSION %s 0x%016x %s" % (user, smb._Session['SessionID'], bytes(smb._Connection['ServerGuid']).hex()),
          flush=True)
    return conn, smb, smb.connectTree(share)


def main():
    address, share, user, password, other, other_password = sys.argv[1:7]
    access = s.FILE_READ_DATA | s.FILE_WRITE_DATA
    first, smb, tid = connect(address, user, password, share)
    fid = smb.create(tid, "previous.bin", access, 0, s.FILE_NON_DIRECTORY_FILE, s.FILE_OVERWRITE_IF, 0)
    print("STEP opened 0x00000000", flush=True)
    previous = smb._Session['SessionID']

    intruder, _, _ = connect(address, other, other_password, share, previous)
    print("STEP first-after-other-user 0x%08x" % status(lambda: smb.queryInfo(tid, fid)), flush=True)

    again, asmb, atid = connect(address, user, password, share, previous)
    print("STEP first-handle-after-same-user 0x%08x" % status(lambda: smb.queryInfo(tid, fid)), flush=True)
    # a CREATE on the first session's tree (impacket answers a second TREE_CONNECT from its own table)
    print("STEP first-tree-after-same-user 0x%08x" % status(lambda: smb.create(
        tid, "previous-tree.bin", access, 0, s.FILE_NON_DIRECTORY_FILE, s.FILE_OPEN_IF, 0)), flush=True)
    print("STEP reopen-unshared 0x%08x" % status(lambda: asmb.create(
        atid, "previous.bin", access, 0, s.FILE_NON_DIRECTORY_FILE, s.FILE_OPEN, 0)), flush=True)
    for c in (again, intruder):
        c.logoff()


if __name__ == "__main__":
    main()
