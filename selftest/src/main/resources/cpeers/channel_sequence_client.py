#!/usr/bin/env python3
"""Open.OutstandingRequestCount ([MS-SMB2] 3.3.5.2.10) seen by a client: impacket's SMB3 connection, requests
built by hand so that ChannelSequence and SMB2_FLAGS_REPLAY_OPERATION can be set.
Usage: channel_sequence_client.py HOST[:PORT] USER PASSWORD SHARE
A blocking LOCK waits (async) under ChannelSequence 0 while a WRITE moves the open to 1: a replayed WRITE is
then refused while the LOCK is outstanding, and accepted once its CANCEL ended it; a LOCK failing with an error
leaves nothing outstanding. Prints one line per step: DIALECT 0x..., then STEP name 0x<status>."""
import sys

from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s

REPLAY = 0x20000000  # SMB2_FLAGS_REPLAY_OPERATION, [MS-SMB2] 2.2.1.2 (impacket's constant is another bit)


def send(smb, tid, command, body, csn, replay=False):
    """smb3.sendSMB without its flag handling: ChannelSequence in the Status field, the replay flag kept."""
    p = smb.SMB_PACKET()
    p['Command'] = command
    p['TreeID'] = tid
    p['Data'] = body
    # impacket's 3.x header names the field; its 2.x one has Status there
    p['ChannelSequence' if any(f[0] == 'ChannelSequence' for f in p.structure) else 'Status'] = csn & 0xFFFF
    p['MessageID'] = smb._Connection['SequenceWindow']
    smb._Connection['SequenceWindow'] += 1
    p['SessionID'] = smb._Session['SessionID']
    p['CreditCharge'] = 1
    p['CreditRequestResponse'] = 127
    p['Flags'] = REPLAY if replay else 0
    if smb._Session['SigningActivated']:
        p['Flags'] |= s.SMB2_FLAGS_SIGNED
        smb.signSMB(p)
    smb._NetBIOSSession.send_packet(p.getData())
    return p['MessageID']


def lock(smb, tid, fid, csn, offset, flags):
    e = s.SMB2_LOCK_ELEMENT()
    e['Offset'] = offset
    e['Length'] = 1
    e['Flags'] = flags
    body = s.SMB2Lock()
    body['FileID'] = fid
    body['LockCount'] = 1
    body['Locks'] = e.getData()
    return send(smb, tid, s.SMB2_LOCK, body, csn)


def write(smb, tid, fid, csn, replay):
    body = s.SMB2Write()
    body['FileID'] = fid
    body['Offset'] = 100
    body['Length'] = 4
    body['Buffer'] = b'data'
    return send(smb, tid, s.SMB2_WRITE, body, csn, replay)


def step(name, answer):
    print("STEP %s 0x%08x" % (name, answer['Status']), flush=True)


def main():
    address, user, password, share = sys.argv[1:5]
    host, _, port = address.partition(":")
    conn = SMBConnection(host, host, sess_port=int(port or 445), timeout=30)
    conn.login(user, password)
    print("DIALECT " + hex(conn.getDialect()), flush=True)
    smb = conn.getSMBServer()
    tid = smb.connectTree(share)
    access = s.FILE_READ_DATA | s.FILE_WRITE_DATA
    shared = s.FILE_SHARE_READ | s.FILE_SHARE_WRITE
    holder = smb.create(tid, "csn.bin", access, shared, s.FILE_NON_DIRECTORY_FILE, s.FILE_OVERWRITE_IF, 0)
    fid = smb.create(tid, "csn.bin", access, shared, s.FILE_NON_DIRECTORY_FILE, s.FILE_OPEN, 0)
    step("held", smb.recvSMB(lock(smb, tid, holder, 0, 0, s.SMB2_LOCKFLAG_EXCLUSIVE_LOCK)))
    waiting = lock(smb, tid, fid, 0, 0, s.SMB2_LOCKFLAG_EXCLUSIVE_LOCK)
    step("advance", smb.recvSMB(write(smb, tid, fid, 1, False)))
    step("replay-while-outstanding", smb.recvSMB(write(smb, tid, fid, 1, True)))
    smb.cancel(waiting)
    step("canceled", smb.recvSMB(waiting))
    step("replay-after-cancel", smb.recvSMB(write(smb, tid, fid, 1, True)))
    step("lock-error", smb.recvSMB(lock(smb, tid, fid, 1, 0,
                                        s.SMB2_LOCKFLAG_EXCLUSIVE_LOCK | s.SMB2_LOCKFLAG_FAIL_IMMEDIATELY)))
    step("advance-again", smb.recvSMB(write(smb, tid, fid, 2, False)))
    step("replay-after-error", smb.recvSMB(write(smb, tid, fid, 2, True)))
    smb.close(tid, fid)
    # impacket keeps one table entry per name: the other handle of csn.bin ends with the LOGOFF
    conn.logoff()


if __name__ == "__main__":
    main()
