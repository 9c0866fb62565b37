package io.swrap.selftest;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.KnownFail;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import io.swrap.selftest.env.Smbtorture;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import io.swrap.selftest.peers.GrpcPeer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * The main job: brings up a fake 4-NIC network in a temp directory, starts Java servers under the
 * agent and a C server under libsocket_wrapper, connects Java and C clients from other interfaces
 * to each, makes a gRPC call between two JVMs (grpc-netty-shaded, native epoll refused), then runs
 * the project's SMB server under the agent on the four NICs and Debian's smbclient against it
 * (put/get with a content check per dialect), and prints what talked to what. UDP has its rows too
 * ({@link SelftestUdp}). Exit status 0 only if every exchange worked and each
 * server saw exactly the client's fake address.
 */
public final class Selftest {
    /** The server's fake NICs: 127.0.0.11 .. 127.0.0.14. */
    static final int[] SERVER_IFACES = {11, 12, 13, 14};
    static final int C_SERVER_IFACE = 15;
    static final int JAVA_CLIENT_IFACE = 21;
    static final int C_CLIENT_IFACE = 31;
    static final int PORT = 7;
    static final int GRPC_PORT = 50051;
    /**
     * The eleven tests of smbtorture's smb2.multichannel, as Samba 4.17 names them, by group, each with the
     * policy it expects: [MS-SMB2]'s (oplock breaks retried on every channel) or Windows' (only on the
     * newest channel, never retried: {@code smb2 disable oplock break retry = yes}).
     */
    static final List<Torture> MULTICHANNEL_TESTS = List.of(
            new Torture("generic", List.of("interface_info", "num_channels"), false),
            new Torture("oplocks", List.of("test1", "test3_specification"), false),
            new Torture("leases", List.of("test1", "test2", "test3"), false),
            // alone: smbtorture 4.17 crashes (SIGSEGV in its break handler) when test4 runs after test3 in
            // one process, against Samba's smbd as well
            new Torture("leases", List.of("test4"), false),
            new Torture("bugs", List.of("bug_15346"), false),
            new Torture("oplocks", List.of("test2", "test3_windows"), true));

    /** Tests of one smb2.multichannel group under one policy, run by one smbtorture process. */
    record Torture(String group, List<String> tests, boolean windowsPolicy) {
        List<String> fullNames() {
            return tests.stream().map(t -> "smb2.multichannel." + group + "." + t).toList();
        }
    }

    private final Path dir;
    private final PrintStream out;
    private final List<Row> rows = new ArrayList<>();

    /** One exchange: who connected from where to where, what the server saw, and the verdict. */
    record Row(String client, String from, String to, String server, String serverSaw, String result) {
        boolean ok() {
            return result.equals("ok") || result.startsWith("ok (") || result.startsWith("knownfail");
        }
    }

    Selftest(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    /**
     * Makes every process of each environment append to one pcap file of {@code pcapDir}
     * (SOCKET_WRAPPER_PCAP_FILE): the echo/UDP/gRPC network, the SMB server and the one with
     * Windows' break policy. Returns what to print: environment and file.
     */
    Map<String, Path> capture(Path pcapDir) {
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        files.put("network (echo, UDP, gRPC)", pcapDir.resolve("network.pcap"));
        files.put("smb", pcapDir.resolve("smb.pcap"));
        files.put("smb-windows", pcapDir.resolve("smb-windows.pcap"));
        ChildProcess.capture(dir, files.get("network (echo, UDP, gRPC)"));
        ChildProcess.capture(dir.resolve("smb").resolve("swrap"), files.get("smb"));
        ChildProcess.capture(dir.resolve("smb-windows").resolve("swrap"), files.get("smb-windows"));
        return files;
    }

    public static void main(String[] args) throws Exception {
        boolean keep = List.of(args).contains("--keep");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "swrap-selftest.");
        int failed;
        try {
            Selftest selftest = new Selftest(dir, System.out);
            Map<String, Path> pcaps = Map.of();
            if (!List.of(args).contains("--no-pcap")) {
                // outside the network's directory, which is deleted at the end
                pcaps = selftest.capture(Files.createTempDirectory(Path.of("/tmp"), "swrap-selftest-pcap."));
                pcaps.forEach((env, file) -> System.out.println("pcap: " + env + " -> " + file));
            }
            failed = selftest.run();
            pcaps.forEach((env, file) -> System.out.println("pcap: " + env + " -> " + file
                    + (Files.exists(file) ? "" : " (nothing captured)") + " (tshark -r " + file + ")"));
        } finally {
            if (keep) {
                System.out.println("kept " + dir);
            } else {
                deleteTree(dir);
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs everything, prints the table, returns the number of failed exchanges. */
    int run() throws Exception {
        out.println("swrap selftest: fake network in " + dir);
        out.println("  server NICs 127.0.0.11-14 (Java, under the agent; SMB on :445), 127.0.0.15 (C, libsocket_wrapper);"
                + " Java clients on .21, C clients on .31");
        List<String> addrs = new ArrayList<>();
        for (int iface : SERVER_IFACES) {
            addrs.add("127.0.0." + iface + ":" + PORT);
        }
        String[] serverArgs = Stream.concat(Stream.of("netty"), addrs.stream()).toArray(String[]::new);
        try (ChildProcess javaServer = ChildProcess.java("java-server", ChildProcess.net(dir, SERVER_IFACES[0]),
                EchoServer.class.getName(), serverArgs);
             ChildProcess cServer = ChildProcess.cPeer("c-server", ChildProcess.net(dir, C_SERVER_IFACE),
                     "echo_server.py", "127.0.0." + C_SERVER_IFACE, Integer.toString(PORT));
             ChildProcess javaServer6 = ChildProcess.java("java-server-v6", ChildProcess.net(dir, SERVER_IFACES[0]),
                     EchoServer.class.getName(), "nio", "[fd00::5357:5f0b]:" + PORT)) {
            for (int i = 0; i < SERVER_IFACES.length; i++) {
                javaServer.expect("LISTENING .*");
            }
            cServer.expect("LISTENING .*");
            javaServer6.expect("LISTENING .*");
            for (String target : addrs) {
                for (String api : new String[] {"socket", "nio", "netty"}) {
                    javaClient(api, target, "java-netty", javaServer);
                }
                cClient(target, false, "java-netty", javaServer);
            }
            javaClient("nio", "127.0.0." + C_SERVER_IFACE + ":" + PORT, "c-python", cServer);
            javaClient("socket", "127.0.0." + C_SERVER_IFACE + ":" + PORT, "c-python", cServer);
            javaClient("nio", "[fd00::5357:5f0b]:" + PORT, "java-nio", javaServer6);
            cClient("fd00::5357:5f0b:" + PORT, true, "java-nio", javaServer6);
        }
        // UDP
        new SelftestUdp(dir, rows).run();
        grpc();
        smb();
        prefork();
        return report();
    }

    /**
     * gRPC over grpc-netty-shaded, server on .12 and client on .21 in two JVMs: its relocated Netty
     * would pick the native epoll transport by itself; under the agent it must report it unavailable
     * and run on NIO, inside the fake network.
     */
    private void grpc() throws Exception {
        String target = "127.0.0." + SERVER_IFACES[1] + ":" + GRPC_PORT;
        String who = "java-grpc (netty-shaded)";
        Map<String, String> serverEnv = ChildProcess.net(dir, SERVER_IFACES[1]);
        serverEnv.put("SOCKET_WRAPPER_DEBUGLEVEL", "1");
        try (ChildProcess server = ChildProcess.java("grpc-server", serverEnv, GrpcPeer.class.getName(), "server",
                target)) {
            server.expect("LISTENING .*");
            try (ChildProcess client = ChildProcess.java("grpc-client", ChildProcess.net(dir, JAVA_CLIENT_IFACE),
                    GrpcPeer.class.getName(), "client", target)) {
                Matcher m = client.expect("(REPLY local=(\\S+) PEER (\\S+) hello|.*Exception.*)");
                if (m.group(2) == null) {
                    rows.add(new Row(who, "-", target, "java-grpc", "-", "FAILED: " + m.group(1)));
                    return;
                }
                client.succeeds();
                String from = canonical(m.group(2));
                String saw = canonical(m.group(3));
                boolean epollOff = server.stderr().contains("swrap_native_transport: "
                        + "io.grpc.netty.shaded.io.netty.channel.epoll.Epoll");
                rows.add(new Row(who, from, target, "java-grpc", saw, !epollOff
                        ? "FAILED: the server did not report epoll unavailable: " + firstLine(server.stderr())
                        : verdict(true, from, saw)));
            }
        } catch (AssertionError e) {
            rows.add(new Row(who, "-", target, "java-grpc", "-", "FAILED: " + firstLine(e.getMessage())));
        }
    }

    /** The SMB server under the agent on the four NICs, smbclient (C) put/get per dialect. */
    private void smb() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("smbclient"));
        byte[] data = new byte[4 * 1024 * 1024];
        new java.util.Random(445).nextBytes(data);
        Files.write(cwd.resolve("up.bin"), data);
        String[][] runs = {{"SMB2_02", ""}, {"SMB2_10", "sign"}, {"SMB3_00", "encrypt"}, {"SMB3_11", ""},
            {"SMB3_11", "sign"}, {"SMB3_11", "encrypt"}};
        try (SmbEnv env = SmbEnv.start(dir.resolve("smb"), SERVER_IFACES, "")) {
            for (int i = 0; i < runs.length; i++) {
                String dialect = runs[i][0];
                String protection = runs[i][1];
                int nic = SERVER_IFACES[i % SERVER_IFACES.length];
                String who = "smbclient " + dialect + (protection.isEmpty() ? "" : " " + protection);
                Files.deleteIfExists(cwd.resolve("down.bin"));
                List<String> options = new ArrayList<>(List.of("-m", dialect));
                if (!protection.isEmpty()) {
                    options.add("--client-protection=" + protection);
                }
                Smbclient.Result r = env.smbclient(C_CLIENT_IFACE, nic, SmbEnv.PASSWORD, cwd,
                        "put up.bin f" + i + "; get f" + i + " down.bin; del f" + i, options.toArray(String[]::new));
                boolean same = r.exit() == 0 && Files.exists(cwd.resolve("down.bin"))
                        && java.util.Arrays.equals(data, Files.readAllBytes(cwd.resolve("down.bin")));
                rows.add(new Row(who, "127.0.0." + C_CLIENT_IFACE, "127.0.0." + nic + ":" + SmbEnv.PORT,
                        "java-smb", "-", same ? "ok" : "FAILED: exit " + r.exit() + ": " + lastLine(r.output())));
            }
            multichannelClient(env);
            multichannel(env, cwd);
        }
    }

    /**
     * The same server as a master and four worker processes ({@code prefork children = 4}): smbclient put/get
     * and the Java client's four channels, which must all be held by one worker (the fake network's socket
     * table says who holds each server-side socket).
     */
    private void prefork() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("prefork-client"));
        byte[] data = new byte[4 * 1024 * 1024];
        new java.util.Random(4).nextBytes(data);
        Files.write(cwd.resolve("up.bin"), data);
        String to = "127.0.0.11-14:" + SmbEnv.PORT;
        try (SmbEnv env = SmbEnv.start(dir.resolve("smb-prefork"), SERVER_IFACES,
                "prefork children = 4")) {
            Smbclient.Result r = env.smbclient(C_CLIENT_IFACE, SERVER_IFACES[1], SmbEnv.PASSWORD, cwd,
                    "put up.bin p; get p down.bin; del p", "-m", "SMB3_11", "--client-protection=sign");
            boolean same = r.exit() == 0 && java.util.Arrays.equals(data, Files.readAllBytes(cwd.resolve("down.bin")));
            rows.add(new Row("smbclient SMB3_11 sign, prefork 4", "127.0.0." + C_CLIENT_IFACE, "127.0.0."
                    + SERVER_IFACES[1] + ":" + SmbEnv.PORT, "java-smb workers", "-", same ? "ok"
                    : "FAILED: exit " + r.exit() + ": " + lastLine(r.output())));
            String scenario = "mc-prefork.bin:SMB3_11:sign:4:128:-";
            String who = "java client 4 channels, prefork 4";
            try (ChildProcess p = ChildProcess.java("multichannel-client-prefork", ChildProcess.net(env.swrapDir(),
                    JAVA_CLIENT_IFACE), "io.swrap.selftest.peers.MultichannelClientPeer", "127.0.0." + SERVER_IFACES[0]
                    + ":" + SmbEnv.PORT, "share", SmbEnv.USER, SmbEnv.PASSWORD, scenario)) {
                java.util.Set<String> holders = Set.of();
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                // the master accepts each channel and holds it alone until it has passed it on: wait until
                // no channel is the master's any more (what was seen last is reported if that never happens)
                String master = Long.toString(env.serverPid());
                while (System.nanoTime() < deadline && p.alive()) {
                    java.util.Map<String, String> held = serverSideHolders(env, JAVA_CLIENT_IFACE);
                    if (held.size() >= 4) {
                        holders = new java.util.TreeSet<>(held.values());
                        if (!holders.contains(master)) {
                            break;
                        }
                    }
                    Thread.sleep(50);
                }
                java.util.regex.Matcher line = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)",
                        java.time.Duration.ofSeconds(120));
                String result = !line.group(1).equals("OK") ? "FAILED: " + line.group(1) + " " + line.group(2)
                        : holders.size() != 1 || holders.contains(master)
                        ? "FAILED: the four channels' server-side sockets were held by " + holders
                        + " (expected: one worker, not the master " + env.serverPid() + ")"
                        : "ok (swrap ls: one worker, pid " + holders.iterator().next() + ", holds the 4 channels)";
                rows.add(new Row(who, "127.0.0." + JAVA_CLIENT_IFACE, to, "java-smb workers", "-", result));
                p.succeeds();
            }
        } catch (AssertionError e) {
            rows.add(new Row("smb prefork 4", "-", to, "java-smb workers", "-", "FAILED: " + firstLine(e.getMessage())));
        }
    }

    /**
     * {@code scripts/swrap ls} of the server's network: the server-side sockets on port 445 whose peer is
     * 127.0.0.{client}, index → the one pid that holds it (a socket held by two processes, still being passed,
     * is left out).
     */
    private static java.util.Map<String, String> serverSideHolders(SmbEnv env, int client) throws Exception {
        java.util.Map<String, String> held = new java.util.TreeMap<>();
        try (ChildProcess ls = ChildProcess.command("swrap-ls", Map.of(), List.of(ChildProcess.JAVA,
                "--enable-native-access=ALL-UNNAMED", "-cp", ChildProcess.agentJar().toString(),
                "io.swrap.agent.inspect.SwrapCli", "ls", env.swrapDir().toString()))) {
            ls.succeeds();
            for (String line : ls.stdout()) {
                String[] f = line.trim().split("\\s+");
                // IDX PID(REFS) TYPE STATE LOCAL PEER ...
                if (f.length > 5 && f[4].endsWith(":" + SmbEnv.PORT) && f[5].startsWith("127.0.0." + client + ":")
                        && f[1].matches("\\d+\\(\\d+\\)")) {
                    held.put(f[0], f[1].substring(0, f[1].indexOf('(')));
                }
            }
        }
        return held;
    }

    /**
     * The project's Java client as a multichannel client (under the agent on .21): one channel per server NIC,
     * a 32 MiB signed write and read spread over them, then the same with channel 2 closed in the middle of
     * the write; the file on the server's disk must hash as the client wrote and read it.
     */
    private void multichannelClient(SmbEnv env) throws Exception {
        String[] scenarios = {"mc-sign.bin:SMB3_11:sign:4:32:-", "mc-kill.bin:SMB3_11:off:4:32:write@2"};
        String[] labels = {"java client 4 channels, signed", "java client 4 channels, one killed"};
        java.util.regex.Pattern ok = java.util.regex.Pattern.compile(
                "channels=(\\d+) servers=(\\S+) .* sha256=(\\S+) replays=(\\d+) lost=(\\d+) .*after=ok");
        List<String> args = new ArrayList<>(List.of("127.0.0." + SERVER_IFACES[0] + ":" + SmbEnv.PORT, "share",
                SmbEnv.USER, SmbEnv.PASSWORD));
        args.addAll(List.of(scenarios));
        try (ChildProcess p = ChildProcess.java("multichannel-client", ChildProcess.net(env.swrapDir(),
                JAVA_CLIENT_IFACE), "io.swrap.selftest.peers.MultichannelClientPeer", args.toArray(String[]::new))) {
            for (int i = 0; i < scenarios.length; i++) {
                String file = scenarios[i].substring(0, scenarios[i].indexOf(':'));
                java.util.regex.Matcher line = p.expect("(OK|FAILED|ERROR) \\Q" + scenarios[i] + "\\E (.*)",
                        java.time.Duration.ofSeconds(120));
                java.util.regex.Matcher m = ok.matcher(line.group(2));
                String result;
                if (!line.group(1).equals("OK") || !m.find()) {
                    result = "FAILED: " + line.group(1) + " " + line.group(2);
                } else if (!m.group(1).equals("4") || m.group(2).split(",").length != 4) {
                    result = "FAILED: channels " + m.group(1) + " to " + m.group(2) + " (expected: 4, one per NIC)";
                } else if (!m.group(3).equals(sha256(env.share().resolve(file)))) {
                    result = "FAILED: " + file + " on the server's disk does not hash as the client says";
                } else if (i == 1 && (!m.group(5).equals("1") || m.group(4).equals("0"))) {
                    result = "FAILED: lost " + m.group(5) + " channels, replayed " + m.group(4) + " requests";
                } else {
                    result = "ok" + (i == 1 ? " (" + m.group(4) + " requests replayed)" : "");
                }
                rows.add(new Row(labels[i], "127.0.0." + JAVA_CLIENT_IFACE, "127.0.0.11-14:" + SmbEnv.PORT, "java-smb",
                        "-", result));
            }
            p.succeeds();
        }
    }

    private static String sha256(Path file) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        return java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
    }

    /**
     * Samba's smb2.multichannel suite against the server, judged with the knownfail list: the tests that
     * expect the specification's break policy against {@code env}, meanwhile those that expect Windows'
     * against a second server (its own network) configured so. Within a network the groups run one after
     * the other: they share smbtorture's test directory.
     */
    private void multichannel(SmbEnv env, Path cwd) throws Exception {
        KnownFail knownFail = KnownFail.load();
        Map<Torture, Map<String, String>> results = new java.util.concurrent.ConcurrentHashMap<>();
        Thread windows = Thread.ofPlatform().start(() -> {
            try (SmbEnv w = SmbEnv.start(dir.resolve("smb-windows"), SERVER_IFACES,
                    "smb2 disable oplock break retry = yes")) {
                runTorture(w, Files.createDirectories(cwd.resolve("windows")), true, results);
            } catch (Exception e) {
                throw new IllegalStateException("smb2.multichannel under the Windows policy: " + e, e);
            }
        });
        runTorture(env, cwd, false, results);
        windows.join();
        for (Torture t : MULTICHANNEL_TESTS) {
            Map<String, String> outcomes = results.getOrDefault(t, Map.of());
            for (String name : t.fullNames()) {
                KnownFail.Verdict v = knownFail.judge(name, outcomes.getOrDefault(name, "not run"));
                rows.add(new Row("smbtorture " + name.substring("smb2.multichannel.".length())
                        + (t.windowsPolicy() ? " (Windows)" : ""), "127.0.0." + C_CLIENT_IFACE,
                        "127.0.0." + SERVER_IFACES[0] + ":" + SmbEnv.PORT, "java-smb", "-", v.result()));
            }
        }
    }

    private static void runTorture(SmbEnv env, Path cwd, boolean windowsPolicy, Map<Torture, Map<String, String>> out)
            throws Exception {
        for (Torture t : MULTICHANNEL_TESTS) {
            if (t.windowsPolicy() == windowsPolicy) {
                out.put(t, env.smbtorture(C_CLIENT_IFACE, SERVER_IFACES[0], cwd, 300, List.of(), t.fullNames()).results());
            }
        }
    }

    private static String lastLine(String s) {
        String t = s.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }

    private void javaClient(String api, String target, String serverName, ChildProcess server) throws Exception {
        String who = "java-" + api;
        try (ChildProcess c = ChildProcess.java(who, ChildProcess.net(dir, JAVA_CLIENT_IFACE),
                EchoClient.class.getName(), api, target)) {
            Matcher m = c.expect("(CONNECTED local=(\\S+) remote=(\\S+).*|FAILED .*)");
            if (m.group(2) == null) {
                rows.add(new Row(who, "-", target, serverName, "-", m.group(1)));
                return;
            }
            Matcher echo = c.expect("(ECHO|FAILED) .*");
            String saw = serverSaw(server);
            String from = canonical(m.group(2));
            rows.add(new Row(who, from, canonical(m.group(3)), serverName, saw,
                    verdict(echo.group(1).equals("ECHO"), from, saw)));
            c.waitFor();
        } catch (AssertionError e) {
            rows.add(new Row(who, "-", target, serverName, "-", "FAILED: " + firstLine(e.getMessage())));
        }
    }

    private void cClient(String target, boolean v6, String serverName, ChildProcess server) throws Exception {
        int colon = target.lastIndexOf(':');
        List<String> args = new ArrayList<>(List.of(target.substring(0, colon), target.substring(colon + 1)));
        if (v6) {
            args.add("v6");
        }
        try (ChildProcess c = ChildProcess.cPeer("c-python", ChildProcess.net(dir, C_CLIENT_IFACE),
                "echo_client.py", args.toArray(String[]::new))) {
            Matcher m = c.expect("CONNECTED local=(\\S+) remote=(\\S+)");
            Matcher echo = c.expect("ECHO .*");
            String saw = serverSaw(server);
            String from = canonical(m.group(1));
            rows.add(new Row("c-python", from, canonical(m.group(2)), serverName, saw,
                    verdict(echo.group().equals("ECHO hello from python"), from, saw)));
            c.waitFor();
        } catch (AssertionError e) {
            rows.add(new Row("c-python", "-", target, serverName, "-", "FAILED: " + firstLine(e.getMessage())));
        }
    }

    /** The peer address the server reported for its latest connection. */
    private static String serverSaw(ChildProcess server) throws InterruptedException {
        return canonical(server.expect("ACCEPTED local=\\S+ peer=(\\S+).*").group(1));
    }

    /**
     * One notation for Java's {@code /[fd00:0:0:0:0:0:5357:5f15]:1234} and Python's
     * {@code fd00::5357:5f15:1234}: {@code [fd00::5357:5f15]:1234}; IPv4 stays {@code a.b.c.d:port}.
     */
    static String canonical(String hostPort) {
        String s = hostPort.startsWith("/") ? hostPort.substring(1) : hostPort;
        int colon = s.lastIndexOf(':');
        String host = s.substring(0, colon).replace("[", "").replace("]", "");
        if (!host.contains(":")) {
            return s;
        }
        // the longest run of zero groups becomes "::", as inet_ntop writes it
        String[] groups = host.replace("::", ":z:").split(":");
        List<String> full = new ArrayList<>();
        for (String g : groups) {
            if (g.equals("z")) {
                for (int i = 0; i < 8 - (groups.length - 1); i++) {
                    full.add("0");
                }
            } else if (!g.isEmpty()) {
                full.add(g.replaceFirst("^0+(?=.)", ""));
            }
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < full.size(); i++) {
            int j = i;
            while (j < full.size() && full.get(j).equals("0")) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
        }
        String text = bestStart < 0 ? String.join(":", full)
                : String.join(":", full.subList(0, bestStart)) + "::"
                        + String.join(":", full.subList(bestStart + bestLen, full.size()));
        return "[" + text + "]" + s.substring(colon);
    }

    private static String verdict(boolean echoed, String from, String saw) {
        if (!echoed) {
            return "FAILED: no echo";
        }
        return from.equals(saw) ? "ok" : "FAILED: server saw " + saw + ", client is " + from;
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }

    private int report() {
        String fmt = "  %-38s %-26s %-22s %-10s %-26s %s%n";
        out.println();
        out.printf(Locale.ROOT, fmt, "client", "from (client's view)", "to", "server", "server saw", "result");
        int failed = 0;
        for (Row r : rows) {
            out.printf(Locale.ROOT, fmt, r.client(), r.from(), r.to(), r.server(), r.serverSaw(), r.result());
            if (!r.ok()) {
                failed++;
            }
        }
        out.println();
        long knownFail = rows.stream().filter(r -> r.result().startsWith("knownfail")).count();
        out.printf(Locale.ROOT, "selftest: %d passed, %d failed (and %d knownfail, see selftest/src/main/resources/knownfail.txt)%n",
                rows.size() - failed - knownFail, failed, knownFail);
        return failed;
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
