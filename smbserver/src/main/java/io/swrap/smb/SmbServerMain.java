package io.swrap.smb;

import io.swrap.smb.config.ConfigException;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.prefork.Master;
import io.swrap.smb.filestate.ShmRecords;
import io.swrap.smb.prefork.Worker;
import io.swrap.smb.state.FileIds;
import io.swrap.smb.state.ServerState;
import io.swrap.smb.state.SharedSessions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Command line: {@code SmbServerMain -s smb.conf} runs the server until the process is stopped: one process, or
 * with {@code prefork children = N} a master and N workers; a master starts each worker with
 * {@code -s smb.conf --prefork-worker SLOT DIR SERVERGUID} (32 hex digits: one ServerGuid for all workers).
 */
public final class SmbServerMain {
    private SmbServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        boolean worker = args.length == 6 && args[2].equals(Worker.ARG);
        if ((args.length != 2 && !worker) || !args[0].equals("-s")) {
            System.err.println("usage: SmbServerMain -s SMB.CONF");
            System.exit(2);
        }
        LogFormat.install(java.util.logging.Level.INFO);
        AutoCloseable server;
        try {
            SmbConfig cfg = SmbConfParser.parse(Path.of(args[1]));
            LogFormat.install(cfg.log());
            if (worker) {
                Path dir = Path.of(args[4]);
                int slot = Integer.parseInt(args[3]);
                SmbServer s = SmbServer.startWithoutListeners(new ServerState(cfg,
                        cfg.prefork().unsharedFileState() ? null : dir.resolve(ShmRecords.FILE),
                        FileIds.worker(slot, ProcessHandle.current().pid()), java.util.HexFormat.of().parseHex(args[5]),
                        SharedSessions.open(dir, cfg.prefork().maxSessions())));
                Runtime.getRuntime().addShutdownHook(new Thread(s::close, "smbserver-shutdown"));
                Worker.run(s, slot, dir);
                return;
            }
            server = cfg.prefork().children() > 0 ? Master.start(cfg, Path.of(args[1]))
                    : SmbServer.start(new ServerState(cfg));
        } catch (ConfigException | IOException e) {
            System.err.println("smbserver: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("smbserver: stopping: " + e);
            }
        }, "smbserver-shutdown"));
        Thread.currentThread().join();
    }
}
