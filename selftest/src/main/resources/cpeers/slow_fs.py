"""A FUSE file system whose reads and stats wait for the test: slow_fs.py MOUNTPOINT GATE_DIR.

Its root holds a.bin to e.bin, 9 bytes each ("slow-data"). A read of NAME prints "READ_WAITING
NAME" and returns only once GATE_DIR/NAME exists (at most 180 s, then EIO), so a test can hold a server's pread
for as long as it wants. While GATE_DIR/hold-NAME exists, a lookup or stat of NAME waits the same way
("GETATTR_WAITING NAME"): the kernel asks on every one (attribute and entry timeouts 0), so that holds a
server's open or fstat. Prints "MOUNTED" once the mount answers. SIGTERM unmounts it.
"""
import errno
import os
import stat
import sys
import threading
import time

from fusepy import FUSE, FuseOSError, Operations

DATA = b"slow-data"
NAMES = ("a.bin", "b.bin", "c.bin", "d.bin", "e.bin")
MAX_WAIT_S = 180


class SlowFs(Operations):
    def __init__(self, gates):
        self.gates = gates

    def wait_for_gate(self, name, what):
        print(what + " " + name, flush=True)
        deadline = time.monotonic() + MAX_WAIT_S
        while not os.path.exists(os.path.join(self.gates, name)):
            if time.monotonic() > deadline:
                raise FuseOSError(errno.EIO)
            time.sleep(0.05)

    def getattr(self, path, fh=None):
        now = time.time()
        if path == "/":
            return dict(st_mode=stat.S_IFDIR | 0o755, st_nlink=2, st_ctime=now, st_mtime=now, st_atime=now)
        name = path.lstrip("/")
        if name in NAMES:
            if os.path.exists(os.path.join(self.gates, "hold-" + name)) and \
                    not os.path.exists(os.path.join(self.gates, name)):
                self.wait_for_gate(name, "GETATTR_WAITING")
            return dict(st_mode=stat.S_IFREG | 0o644, st_nlink=1, st_size=len(DATA), st_ctime=now,
                        st_mtime=now, st_atime=now)
        raise FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        return [".", ".."] + list(NAMES)

    def open(self, path, flags):
        return 0

    def read(self, path, size, offset, fh):
        self.wait_for_gate(path.lstrip("/"), "READ_WAITING")
        return DATA[offset:offset + size]


def announce(mnt):
    deadline = time.monotonic() + 30
    while not os.path.exists(os.path.join(mnt, NAMES[0])):
        if time.monotonic() > deadline:
            print("ERROR the mount did not answer within 30 s", flush=True)
            os._exit(1)
        time.sleep(0.05)
    print("MOUNTED", flush=True)


if __name__ == "__main__":
    threading.Thread(target=announce, args=(sys.argv[1],), daemon=True).start()
    # direct_io: every read reaches read() above, none is answered from the page cache; timeouts 0: every
    # lookup and stat reaches getattr()
    FUSE(SlowFs(sys.argv[2]), sys.argv[1], foreground=True, nothreads=False, allow_other=True, direct_io=True,
         attr_timeout=0, entry_timeout=0, negative_timeout=0)
