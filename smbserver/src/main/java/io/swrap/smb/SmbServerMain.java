package io.swrap.smb;

import io.swrap.smb.config.ConfigException;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.state.ServerState;
import java.io.IOException;
import java.nio.file.Path;

/** Command line: {@code SmbServerMain -s smb.conf} runs the server until the process is stopped. */
public final class SmbServerMain {
    private SmbServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 || !args[0].equals("-s")) {
            System.err.println("usage: SmbServerMain -s SMB.CONF");
            System.exit(2);
        }
        LogFormat.install(java.util.logging.Level.INFO);
        SmbConfig cfg;
        SmbServer server;
        try {
            cfg = SmbConfParser.parse(Path.of(args[1]));
            LogFormat.install(cfg.log());
            server = SmbServer.start(new ServerState(cfg));
        } catch (ConfigException | IOException e) {
            System.err.println("smbserver: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "smbserver-shutdown"));
        Thread.currentThread().join();
    }
}
