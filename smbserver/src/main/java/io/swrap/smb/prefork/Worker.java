package io.swrap.smb.prefork;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.swrap.smb.SmbServer;
import io.swrap.smb.vfs.NotifyMessages;
import io.swrap.smb.smb2.handler.AppInstanceWorkers;
import io.swrap.smb.smb2.handler.BreakSender;
import io.swrap.smb.smb2.handler.DurableHandover;
import io.swrap.smb.smb2.handler.PreviousSessions;
import io.swrap.smb.state.ServerState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.logging.Logger;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A worker of multi-process mode: a server without listeners that adopts the connections its master passes
 * ({@link Handoff}) into its event loops and replays the bytes the master read. It counts its connections
 * down in the {@link ClientGuidTable} as they close, gives a ClientGuid up when its last connection closes,
 * and exits when the master is gone (EOF on stdin or on the control socket).
 */
public final class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class.getName());
    /** The command-line flag of a worker: {@code --prefork-worker SLOT DIR SERVERGUID}. */
    public static final String ARG = "--prefork-worker";
    /** Received descriptors per message: one connection, and the agent's own memfd that it takes away. */
    private static final int ANCILLARY_BUFFER = 1024;

    private final SmbServer server;
    private final ClientGuidTable table;
    private final int slot;
    /**
     * Open connections per ClientGuid (hex), for {@link ClientGuidTable#release}, and the event loop they are
     * adopted on: all connections of a client on one loop, so that none has to move there at NEGOTIATE.
     */
    private final Map<String, Pinned> perClient = new HashMap<>();

    private record Pinned(int connections, EventLoop loop) {
    }

    private Worker(SmbServer server, ClientGuidTable table, int slot) {
        this.server = server;
        this.table = table;
        this.slot = slot;
    }

    /** Serves what the master passes until the master is gone; never returns normally. */
    public static void run(SmbServer server, int slot, Path dir) throws IOException {
        watchStdin();
        ClientGuidTable table = ClientGuidTable.open(dir);
        // before the hello: once the master passes connections, other workers may message this one
        ServerState state = server.state();
        state.messenger().attach(dir, state.config().prefork().messaging(), table.locator());
        BreakSender.receiveFromOtherWorkers(state);
        PreviousSessions.receiveFromOtherWorkers(state);
        DurableHandover.receiveFromOtherWorkers(state);
        AppInstanceWorkers.receiveFromOtherWorkers(state);
        NotifyMessages.exchange(state.changeNotify(), SharedChangeSequence.open(dir), state.messenger());
        Worker w = new Worker(server, table, slot);
        try (AFUNIXSocket s = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(dir.resolve("master.sock")))) {
            s.setAncillaryReceiveBufferSize(ANCILLARY_BUFFER);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(slot);
            out.writeLong(ProcessHandle.current().pid());
            out.flush();
            LOG.info("worker " + slot + " serving the connections its master passes");
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                Handoff h;
                try {
                    h = Handoff.read(in);
                } catch (EOFException e) {
                    LOG.info("worker " + slot + ": the master closed the control socket: exiting");
                    System.exit(0);
                    return;
                }
                out.write(w.adopt(h, s.getReceivedFileDescriptors()) ? Handoff.ADOPTED : Handoff.REFUSED);
                out.flush();
            }
        }
    }

    private boolean adopt(Handoff h, FileDescriptor[] fds) {
        if (fds == null || fds.length != 1) {
            LOG.warning("worker " + slot + ": a connection from " + h.remote() + " arrived with "
                    + (fds == null ? 0 : fds.length) + " descriptors (expected: 1): refused");
            closeAll(fds);
            return false;
        }
        SocketChannel ch;
        try {
            ch = PassedSockets.adopt(fds[0], h.remote(), h.remote().getAddress() instanceof java.net.Inet6Address);
        } catch (IOException | RuntimeException e) {
            LOG.warning("worker " + slot + ": cannot adopt the connection from " + h.remote() + ": " + e.getMessage());
            closeAll(fds);
            return false;
        }
        String guid = h.guid() == null ? null : HexFormat.of().formatHex(h.guid());
        EventLoop loop;
        if (guid == null) {
            loop = server.nextLoop();
        } else {
            synchronized (perClient) {
                Pinned p = perClient.get(guid);
                EventLoop existing = server.loopOf(guid);
                loop = existing != null ? existing : p != null ? p.loop() : server.nextLoop();
                perClient.put(guid, new Pinned(p == null ? 1 : p.connections() + 1, loop));
            }
        }
        Channel c = server.adopt(ch, h.replay(), loop);
        c.closeFuture().addListener(f -> closed(guid));
        return true;
    }

    private void closed(String guid) {
        table.connectionClosed(slot);
        if (guid == null) {
            return;
        }
        synchronized (perClient) {
            Pinned p = perClient.get(guid);
            if (p == null || p.connections() <= 1) {
                perClient.remove(guid);
                table.release(HexFormat.of().parseHex(guid), slot);
            } else {
                perClient.put(guid, new Pinned(p.connections() - 1, p.loop()));
            }
        }
    }

    private static void closeAll(FileDescriptor[] fds) {
        if (fds == null) {
            return;
        }
        for (FileDescriptor fd : fds) {
            try {
                new java.io.FileInputStream(fd).close(); // closes the descriptor
            } catch (IOException e) {
                LOG.fine("closing a received descriptor: " + e);
            }
        }
    }

    /** The master holds the write end of this process's stdin: EOF there means it is gone, so this worker goes. */
    private static void watchStdin() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever written; read until EOF
                }
            } catch (IOException e) {
                LOG.warning("reading stdin, the master's pipe, failed: " + e.getMessage());
            }
            LOG.warning("the master is gone (EOF on stdin): worker exits");
            System.exit(0);
        }, "prefork-master-watch");
        t.setDaemon(true);
        t.start();
    }
}
