package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.agent.table.SocketView;
import io.swrap.agent.table.TableSnapshot;
import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.DebianLibs;
import io.swrap.selftest.env.KnownFail;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import io.swrap.selftest.env.Smbtorture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-process mode ({@code prefork children = 4}): the master JVM under the agent accepts on the four fake
 * NICs and passes each connection, at its NEGOTIATE, to one of four worker JVMs; who holds which server-side
 * socket is read from the fake network's socket table (what {@code scripts/swrap ls} prints). Samba's own
 * tests (smbtorture under C libsocket_wrapper) are judged with the same knownfail file as in one process.
 */
class PreforkIT {
    static final int[] NICS = {11, 12, 13, 14};
    static final int WORKERS = 4;
    /** The workers share the file-state store (swrap-shm), the default. */
    static final String PREFORK = "prefork children = " + WORKERS;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path base;
    static SmbEnv env;

    @BeforeAll
    static void startServer() throws Exception {
        env = SmbEnv.start(base.resolve("net"), NICS, PREFORK);
    }

    @AfterAll
    static void stopServer() {
        if (env != null) {
            env.close();
            env = null;
        }
    }

    @Test
    void multichannelSpecificationPolicyPasses() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-spec"));
        for (Selftest.Torture t : Selftest.MULTICHANNEL_TESTS) {
            if (!t.windowsPolicy()) {
                passes(env, cwd, 21, t.fullNames());
            }
        }
    }

    @Test
    void multichannelWindowsPolicyPasses() throws Exception {
        try (SmbEnv windows = SmbEnv.start(base.resolve("net-windows"), NICS,
                PREFORK + "\n  smb2 disable oplock break retry = yes")) {
            Path cwd = Files.createDirectories(base.resolve("torture-windows"));
            for (Selftest.Torture t : Selftest.MULTICHANNEL_TESTS) {
                if (t.windowsPolicy()) {
                    passes(windows, cwd, 21, t.fullNames());
                }
            }
        }
    }

    @Test
    void replayTestsPass() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-replay"));
        passes(env, cwd, 22, ReplayIT.QUICK);
    }

    /** The replays of a durable CREATE waiting for a break ({@code dhv2-pending*-sane}), as ReplayIT runs them. */
    @Test
    void pendingDurableReplaysPass() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-replay-pending"));
        passes(env, cwd, 24, ReplayIT.pendingSaneTests());
    }

    /**
     * The Java multichannel client: four channels on four NICs, one ClientGuid, so one worker holds all four; then
     * a transfer with channel 2 closed in the middle of its write, replayed on the others, hash intact.
     */
    @Test
    void fourChannelsOnFourNicsLandInOneWorker() throws Exception {
        int client = 23;
        String scenario = "pf.bin:SMB3_11:off:4:256:-";
        String kill = "pf-kill.bin:SMB3_11:off:4:64:write@2";
        try (ChildProcess p = ChildProcess.java("multichannel-client", ChildProcess.net(env.swrapDir(), client),
                "io.swrap.selftest.peers.MultichannelClientPeer", "127.0.0.11:445", "share", SmbEnv.USER,
                SmbEnv.PASSWORD, scenario, kill)) {
            List<SocketView> conns;
            try {
                conns = serverSockets(env, client, 4);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nclient: " + p.stdout() + "\n" + p.stderr(), e);
            }
            Set<Integer> owners = conns.stream().map(PreforkIT::soleOwner).collect(Collectors.toSet());
            assertEquals(1, owners.size(), "the four channels' server-side sockets: " + conns);
            int owner = owners.iterator().next();
            assertTrue(workers(env).contains((long) owner), "owner " + owner + " is a worker, not the master ("
                    + env.serverPid() + "): workers " + workers(env));
            assertEquals(Set.of(11, 12, 13, 14), conns.stream().map(s -> s.local().getAddress().getAddress()[3] & 0xFF)
                    .collect(Collectors.toSet()), "one channel per server NIC: " + conns);
            Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", WAIT);
            assertEquals("OK", m.group(1), m.group(2) + "\nserver:\n" + env.serverStderr());
            Matcher k = p.expect("(OK|FAILED|ERROR) \\Q" + kill + "\\E (.*)", WAIT);
            assertEquals("OK", k.group(1), k.group(2) + "\nserver:\n" + env.serverStderr());
            assertTrue(k.group(2).contains(" lost=1 "), "one channel lost: " + k.group(2));
            assertTrue(k.group(2).contains(" sha256=" + env.shareSha256("pf-kill.bin") + " "),
                    "pf-kill.bin on the server's disk hashes as the client wrote and read it: " + k.group(2));
            p.succeeds();
        }
    }

    /**
     * Two smbclients (two ClientGuids) connected at once land in two workers (the least-loaded one each time);
     * kill -9 of the first one's worker drops only its client: the other's next command works, the master
     * starts the worker again, a new client is served and the socket table holds nothing of the dead worker.
     * Then kill -9 of the master: every worker exits.
     */
    @Test
    void killingAWorkerDropsOnlyItsClientsAndKillingTheMasterStopsTheWorkers() throws Exception {
        try (SmbEnv own = SmbEnv.start(base.resolve("net-kill"), NICS, PREFORK)) {
            Path trigger = base.resolve("net-kill-go");
            int wa;
            try (ChildProcess a = heldClient(own, 31, trigger); ChildProcess b = heldClient(own, 32, trigger)) {
                wa = soleOwner(serverSockets(own, 31, 1).getFirst());
                int wb = soleOwner(serverSockets(own, 32, 1).getFirst());
                Set<Long> before = workers(own);
                assertNotEquals(wa, wb, "two idle ClientGuids in two workers: " + before);
                assertTrue(before.containsAll(List.of((long) wa, (long) wb)), wa + ", " + wb + " among " + before);

                ProcessHandle.of(wa).orElseThrow().destroyForcibly();
                Files.createFile(trigger); // both clients now send "ls"
                b.expect(".*blocks of size \\d+\\. \\d+ blocks available", WAIT);
                assertEquals(0, b.waitFor(), "the client of the surviving worker: " + b.stdout());
                a.waitFor();
                String aOut = String.join("\n", a.stdout()) + "\n" + a.stderr();
                assertFalse(aOut.contains("blocks available"), "the client of the killed worker: " + aOut);
                assertTrue(aOut.contains("NT_STATUS_"), "the client of the killed worker lost its connection: " + aOut);
            }
            awaitRestart(own, wa);
            Smbclient.Result r = own.smbclient(33, 12, SmbEnv.PASSWORD, Files.createDirectories(base.resolve("kill-cwd")),
                    "ls", "-m", "SMB3");
            assertEquals(0, r.exit(), "a new client after the restart: " + r.output() + "\nserver:\n" + own.serverStderr());
            Matcher audit = TableIT.audit(own.swrapDir());
            assertEquals("0", audit.group("dead"), "nothing of the killed worker left in the table: " + audit.group());

            Set<Long> workers = workers(own);
            assertEquals(WORKERS, workers.size(), "workers after the restart: " + workers);
            ProcessHandle.of(own.serverPid()).orElseThrow().destroyForcibly();
            for (long w : workers) {
                ProcessHandle h = ProcessHandle.of(w).orElse(null);
                assertTrue(h == null || h.onExit().completeOnTimeout(null, 60, TimeUnit.SECONDS).join() != null,
                        "worker " + w + " still runs 60 s after its master was killed");
            }
        }
    }

    /**
     * Without the agent, on real TCP (127.0.0.1, a free port): the master passes plain descriptors and the
     * workers make JDK channels of them; smbclient (not wrapped) puts and gets a file through a worker.
     */
    @Test
    void realTcpWithoutTheAgent() throws Exception {
        Path dir = Files.createDirectories(base.resolve("real"));
        Path share = Files.createDirectories(dir.resolve("share"));
        new io.swrap.smb.smb2.auth.SmbPasswdFile(dir.resolve("smbpasswd")).addUser(SmbEnv.USER, 1000, SmbEnv.PASSWORD,
                System.currentTimeMillis() / 1000);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("smb.conf"), "[global]\n interfaces = 127.0.0.1\n smb ports = " + port
                + "\n smb passwd file = " + dir.resolve("smbpasswd") + "\n " + PREFORK + "\n log level = 3"
                + "\n smbserver:pre-auth timeout = 3\n[share]\n"
                + " path = " + share + "\n read only = no\n");
        byte[] data = new byte[3 << 20];
        new java.util.Random(3).nextBytes(data);
        Files.write(dir.resolve("up.bin"), data);
        try (ChildProcess server = ChildProcess.command("smbserver-plain", new java.util.HashMap<>(), List.of(
                ChildProcess.JAVA, "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.swrap.smb.SmbServerMain", "-s", conf.toString()))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!server.stderr().contains("listening on /127.0.0.1:" + port)) {
                assertTrue(System.nanoTime() < deadline && server.alive(), "no listener:\n" + server.stderr());
                Thread.sleep(100);
            }
            Process c = new ProcessBuilder(Smbclient.SMBCLIENT.toString(), "--configfile=/dev/null", "//127.0.0.1/share",
                    "-p", Integer.toString(port), "-U", SmbEnv.USER + "%" + SmbEnv.PASSWORD, "--use-kerberos=off",
                    "-m", "SMB3", "-c", "put up.bin x; get x down.bin").directory(dir.toFile()).redirectErrorStream(true)
                    .start();
            String out = new String(c.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(c.waitFor(120, TimeUnit.SECONDS), out);
            assertEquals(0, c.exitValue(), out + "\nserver:\n" + server.stderr());
            assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(dir.resolve("down.bin"))), "down.bin differs");
            awaitLog(server, "(?s).*passed to worker \\d \\(ClientGuid [0-9a-f]{32}\\).*");
            // the master bounds what it reads: a peer that sends nothing is closed after the pre-auth timeout,
            // a frame announced over the pre-auth limit goes to a worker, which refuses it as one process does
            try (java.net.Socket idle = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
                 java.net.Socket huge = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                idle.setSoTimeout(60_000);
                huge.setSoTimeout(60_000);
                huge.getOutputStream().write(new byte[] {0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE, 'S', 'M', 'B'});
                assertEquals(-1, huge.getInputStream().read(), "an oversized frame closes its connection");
                assertEquals(-1, idle.getInputStream().read(), "a silent peer is closed");
            }
            awaitLog(server, "(?s).*no first frame within the pre-auth timeout \\(3 s\\): closed.*");
        }
    }

    /** Until the server's stderr (read by a thread of its own) matches {@code regex}. */
    private static void awaitLog(ChildProcess server, String regex) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!server.stderr().matches(regex)) {
            assertTrue(System.nanoTime() < deadline, "no log line matching " + regex + ":\n" + server.stderr());
            Thread.sleep(100);
        }
    }

    /** smbclient from {@code iface}, connected and idle until {@code trigger} exists, then "ls" and EOF. */
    private static ChildProcess heldClient(SmbEnv on, int iface, Path trigger) throws Exception {
        String script = "(while [ ! -e '" + trigger + "' ]; do sleep 0.2; done; echo ls) | LD_PRELOAD="
                + DebianLibs.libsocketWrapper() + " " + Smbclient.SMBCLIENT + " --configfile=/dev/null"
                + " //127.0.0.11/share -U " + SmbEnv.USER + "%" + SmbEnv.PASSWORD + " --use-kerberos=off -m SMB3";
        return ChildProcess.command("smbclient-" + iface, ChildProcess.net(on.swrapDir(), iface),
                List.of("bash", "-c", script));
    }

    /** Waits until workers hold {@code n} server-side connections from 127.0.0.{client} (on port 445). */
    static List<SocketView> serverSockets(SmbEnv on, int client, int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<SocketView> found = List.of();
        while (System.nanoTime() < deadline) {
            found = new ArrayList<>();
            for (SocketView s : TableSnapshot.read(on.swrapDir().toRealPath()).sockets()) {
                if (s.local() != null && s.local().getPort() == SmbEnv.PORT && s.peer() != null
                        && (s.peer().getAddress().getAddress()[3] & 0xFF) == client && s.owners().size() == 1
                        && s.owners().getFirst().pid() != on.serverPid()) { // not passed yet while the master holds it
                    found.add(s);
                }
            }
            if (found.size() >= n) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(n + " server-side connections from 127.0.0." + client + " expected, found " + found
                + "\nserver:\n" + on.serverStderr());
    }


    static int soleOwner(SocketView s) {
        assertEquals(1, s.owners().size(), "one process holds " + s);
        return s.owners().getFirst().pid();
    }

    /** The master's child processes: its workers. */
    static Set<Long> workers(SmbEnv on) {
        return ProcessHandle.of(on.serverPid()).orElseThrow().children().map(ProcessHandle::pid)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Until the master has forgotten the ClientGuids of {@code dead} (at least its client's), started a worker in
     * its place and that worker said hello.
     */
    static void awaitRestart(SmbEnv on, int dead) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String log = on.serverStderr();
            Matcher m = java.util.regex.Pattern.compile("pid " + dead + "\\) exited with status \\d+: its clients lost"
                    + " their connections, (\\d+) ClientGuids forgotten.*\\n(?s:.*)worker (\\d+) \\(pid (\\d+)\\) ready")
                    .matcher(log);
            if (m.find()) {
                assertTrue(Integer.parseInt(m.group(1)) >= 1, "the dead worker's ClientGuid is forgotten: " + log);
                assertFalse(m.group(3).equals(Integer.toString(dead)), log);
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the master did not start a worker in place of pid " + dead + ":\n"
                + on.serverStderr());
    }

    private static void passes(SmbEnv on, Path cwd, int client, List<String> tests) throws Exception {
        Smbtorture.Result r = on.smbtorture(client, 11, cwd, 600, List.of(), tests);
        List<KnownFail.Verdict> verdicts = KnownFail.load().judge(r.results());
        assertTrue(verdicts.stream().allMatch(KnownFail.Verdict::ok), tests + ": " + verdicts + "\n" + r.output()
                + "\nserver:\n" + on.serverStderr());
    }
}
