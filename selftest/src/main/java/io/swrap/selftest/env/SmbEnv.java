package io.swrap.selftest.env;

import io.swrap.smb.smb2.auth.SmbPasswdFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The project's SMB server in its own JVM under the agent, listening on port 445 of several fake
 * NICs, with user {@link #USER} and a writable share {@code [share]}; and Debian's smbclient under
 * C libsocket_wrapper as its client. Layout under {@code base}: {@code swrap/} (the network),
 * {@code share/}, {@code smb.conf}, {@code smbpasswd}.
 */
public final class SmbEnv implements AutoCloseable {
    public static final String USER = "tester";
    public static final String PASSWORD = "pass";
    public static final int PORT = 445;
    private static final long SMBCLIENT_TIMEOUT_SECONDS = 180;

    private final Path base;
    private final Path swrap;
    private final int[] ifaces;
    private final ChildProcess server;

    private SmbEnv(Path base, Path swrap, int[] ifaces, ChildProcess server) {
        this.base = base;
        this.swrap = swrap;
        this.ifaces = ifaces.clone();
        this.server = server;
    }

    /**
     * Starts the server on 127.0.0.{ifaces}:445 and waits until every listener exists.
     *
     * @param extraGlobals more {@code [global]} lines, e.g. {@code "server signing = mandatory"}
     */
    public static SmbEnv start(Path base, int[] ifaces, String extraGlobals) throws IOException, InterruptedException {
        return start(base, ifaces, extraGlobals, Map.of(), List.of());
    }

    /**
     * As {@link #start(Path, int[], String)}, with {@code serverEnv} added to the server's environment (a null
     * value unsets a variable: e.g. LANG and LC_ALL, for a server without a locale).
     */
    public static SmbEnv start(Path base, int[] ifaces, String extraGlobals, Map<String, String> serverEnv)
            throws IOException, InterruptedException {
        return start(base, ifaces, extraGlobals, serverEnv, List.of());
    }

    /** As {@link #start(Path, int[], String)}, the server's JVM with {@code jvmFlags} (e.g. {@code -Xmx128m}). */
    public static SmbEnv start(Path base, int[] ifaces, String extraGlobals, List<String> jvmFlags)
            throws IOException, InterruptedException {
        return start(base, ifaces, extraGlobals, Map.of(), jvmFlags);
    }

    /** The server with {@code serverEnv} in its environment and {@code jvmFlags} on its JVM. */
    public static SmbEnv start(Path base, int[] ifaces, String extraGlobals, Map<String, String> serverEnv,
                               List<String> jvmFlags)
            throws IOException, InterruptedException {
        Path swrap = Files.createDirectories(base.resolve("swrap"));
        Files.createDirectories(base.resolve("share"));
        Path passwd = base.resolve("smbpasswd");
        new SmbPasswdFile(passwd).addUser(USER, 1000, PASSWORD, System.currentTimeMillis() / 1000);
        StringBuilder conf = new StringBuilder("[global]\n  interfaces =");
        for (int iface : ifaces) {
            conf.append(" 127.0.0.").append(iface).append(";speed=10000000000,capability=RSS");
        }
        conf.append("\n  smb ports = ").append(PORT)
                .append("\n  smb passwd file = ").append(passwd)
                // as Samba's selftest fileserver: smbtorture may mark a channel as never acknowledging breaks
                .append("\n  smbd:FSCTL_SMBTORTURE = yes")
                // 32 dead channels one after the other stay well inside the 35 s a waiting open allows
                .append("\n  smbserver:break ack timeout = 500")
                .append("\n  ").append(extraGlobals)
                .append("\n[share]\n  path = ").append(base.resolve("share"))
                .append("\n  read only = no\n");
        Path confFile = base.resolve("smb.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        Map<String, String> serverVars = new HashMap<>(serverEnv);
        serverVars.putAll(ChildProcess.net(swrap, ifaces[0]));
        ChildProcess server = ChildProcess.java("smbserver", serverVars, jvmFlags, "io.swrap.smb.SmbServerMain",
                "-s", confFile.toString());
        SmbEnv env = new SmbEnv(base, swrap, ifaces, server);
        env.awaitListeners();
        return env;
    }

    /**
     * A prefork master listens only once its worker JVMs have said hello: five JVMs under the agent starting at
     * once on the 2 shared cores took over 30 s at a load average of 15. A server that exits fails at once.
     */
    private static final long LISTEN_SECONDS = 120;

    private void awaitListeners() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTEN_SECONDS);
        for (int iface : ifaces) {
            Path listener = swrap.resolve(String.format(Locale.ROOT, "T%02X%04X", iface, PORT));
            while (!Files.exists(listener)) {
                if (System.nanoTime() > deadline || !server.alive()) {
                    throw new AssertionError("smbserver did not listen on 127.0.0." + iface + ":" + PORT + " within "
                            + LISTEN_SECONDS + " s (no "
                            + listener + "); alive=" + server.alive() + "; stderr:\n" + server.stderr());
                }
                Thread.sleep(50);
            }
        }
    }

    public Path share() {
        return base.resolve("share");
    }

    /** The SHA-256 (hex) of {@code file} in the share as the server wrote it: what a client's hash is checked against. */
    public String shareSha256(String file) throws IOException {
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        try (java.io.InputStream in = Files.newInputStream(share().resolve(file))) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    public Path swrapDir() {
        return swrap;
    }

    public boolean serverAlive() {
        return server.alive();
    }

    public String serverStderr() {
        return server.stderr();
    }

    /** The server JVM's process id (for /proc/PID/fd and /proc/PID/task). */
    public long serverPid() {
        return server.pid();
    }

    /**
     * Runs smbclient under C libsocket_wrapper from interface {@code clientIface} against
     * {@code //127.0.0.serverIface/share}, in {@code cwd}, bounded in time.
     */
    public Smbclient.Result smbclient(int clientIface, int serverIface, String password, Path cwd, String commands,
                                      String... options) throws IOException, InterruptedException {
        return Smbclient.run(swrap, clientIface, "//127.0.0." + serverIface + "/share", USER, password, cwd,
                SMBCLIENT_TIMEOUT_SECONDS, commands, options);
    }

    /**
     * Runs smbtorture {@code tests} under C libsocket_wrapper from interface {@code clientIface} against
     * {@code //127.0.0.serverIface/share} as {@link #USER}, in {@code cwd}, bounded by {@code timeoutSeconds} and
     * each test by {@link Smbtorture#TEST_STALL_SECONDS}: a hang fails with the server's thread dump.
     */
    public Smbtorture.Result smbtorture(int clientIface, int serverIface, Path cwd, long timeoutSeconds,
                                        java.util.List<String> options, java.util.List<String> tests)
            throws IOException, InterruptedException {
        return Smbtorture.run(swrap, clientIface, "//127.0.0." + serverIface + "/share", USER, PASSWORD, cwd,
                timeoutSeconds, options, tests, server::threadDump);
    }

    @Override
    public void close() {
        server.close();
    }
}
