#!/usr/bin/env python3
"""PreviousSessionId ([MS-SMB2] 3.3.5.5.3) naming a session whose worker cannot answer: the first connection
logs on, connects the share and opens a file with no sharing; once the test has stopped (SIGSTOP) or killed
that connection's worker and created DIR/logon, a second connection (another ClientGuid) logs on as the same
user naming the first session as PreviousSessionId, and the time its SESSION_SETUP took is printed. Once the
test has created DIR/after: with "stopped" the first session's handle is queried until it is no longer answered
STATUS_SUCCESS (at most 100 times, 100 ms apart), then the second session opens the file again with no
sharing; with "killed" (the first connection is gone with its worker) only that open is made.
Usage: previous_session_recovery_client.py HOST SHARE USER PASSWORD DIR stopped|killed
Prints SESSION name 0x<SessionId> per logon, LOGON <ms> for the second one, STEP name 0x<status> per step."""
import os
import sys
import time

from impacket import smb3
from impacket import smb3structs as s
from impacket.smbconnection import SMBConnection
from impacket.smb3 import SessionError

SessionSetup = smb3.SMB2SessionSetup
ACCESS = s.FILE_READ_DATA | s.FILE_WRITE_DATA
WAIT_SECONDS = 300


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


def await_file(path):
    deadline = time.monotonic() + WAIT_SECONDS
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            sys.exit("%s not created within %d s: the test did not go on" % (path, WAIT_SECONDS))
        time.sleep(0.05)


def connect(host, user, password, share, name, previous=0):
    # SMB 2.1, unencrypted: a request naming an ended session is answered USER_SESSION_DELETED
    conn = SMBConnection(host, host, timeout=30, preferredDialect=s.SMB2_DIALECT_21)
    smb3.SMB2SessionSetup = with_previous(previous)
    started = time.monotonic()
    try:
        conn.login(user, password)
    finally:
        smb3.SMB2SessionSetup = SessionSetup
    took = time.monotonic() - started
    smb = conn.getSMBServer()
    print("SESSION %s 0x%016x" % (name, smb._Session['SessionID']), flush=True)
    return conn, smb, smb.connectTree(share), took


def main():
    host, share, user, password, directory, mode = sys.argv[1:7]
    first, smb, tid, _ = connect(host, user, password, share, "first")
    fid = smb.create(tid, "recovery.bin", ACCESS, 0, s.FILE_NON_DIRECTORY_FILE, s.FILE_OVERWRITE_IF, 0)
    print("STEP opened 0x00000000", flush=True)
    previous = smb._Session['SessionID']

    await_file(os.path.join(directory, "logon"))
    again, asmb, atid, took = connect(host, user, password, share, "second", previous)
    print("LOGON %d" % round(took * 1000), flush=True)

    await_file(os.path.join(directory, "after"))
    if mode == "stopped":
        code, tries = 0, 0
        while code == 0 and tries < 100:
            tries += 1
            code = status(lambda: smb.queryInfo(tid, fid))
            if code == 0:
                time.sleep(0.1)
        print("STEP first-handle 0x%08x" % code, flush=True)
        print("TRIES %d" % tries, flush=True)
    print("STEP reopen-unshared 0x%08x" % status(lambda: asmb.create(
        atid, "recovery.bin", ACCESS, 0, s.FILE_NON_DIRECTORY_FILE, s.FILE_OPEN, 0)), flush=True)
    again.logoff()


if __name__ == "__main__":
    main()
