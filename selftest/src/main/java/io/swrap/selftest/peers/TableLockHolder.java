package io.swrap.selftest.peers;

import java.nio.channels.SocketChannel;

/**
 * {@code TableLockHolder HOST:PORT}: proves the network works (one echo round trip), then, run
 * with {@code -Dswrap.test.holdTableLock=1}, opens a socket and so holds the shared table's
 * lock forever (the agent prints {@code SWRAP-TEST holding the table lock}), to be killed there.
 */
public final class TableLockHolder {
    public static void main(String[] args) throws Exception {
        try (SocketChannel ch = SocketChannel.open(Addr.parse(args[0]))) {
            System.out.println("ECHO " + FdPassPeer.echo(ch, "alive " + ProcessHandle.current().pid()));
        }
        System.out.flush();
        SocketChannel.open().close();
        System.out.println("NOT-HELD: run with -Dswrap.test.holdTableLock=1");
    }
}
