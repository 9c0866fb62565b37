package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.peers.LeakProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The leak matrix: each {@link LeakProbe} program runs under the agent in an empty network
 * namespace ({@code unshare -n}: only a down loopback) under {@code strace -f}, and the trace must
 * hold no connect, bind, sendto, sendmsg or sendmmsg with an AF_INET/AF_INET6 address. The same
 * check run without the agent must find the program's real sockets, so the detector is live.
 */
class LeakIT {
    static final String SYSCALLS = "socket,connect,bind,sendto,sendmsg,sendmmsg,io_uring_setup";
    /**
     * A traced call that hands the kernel an inet address ({@code 4711 connect(5, {sa_family=AF_INET6, ...}),
     * or sets up an io_uring, whose socket operations strace cannot see.
     */
    static final Pattern INET_CALL = Pattern.compile(
            "^\\d+ +((connect|bind|sendto|sendmsg|sendmmsg)\\(.*sa_family=AF_INET|io_uring_setup\\()");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsNamespaces() throws Exception {
        Process p = new ProcessBuilder("unshare", "-n", "strace", "-o", "/dev/null", "true").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "the leak matrix needs root (unshare -n) and strace (scripts/test installs it): " + out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "socket       | ok ping peer=/127\\.0\\.0\\.21:\\d+",
        "nio          | ok peer=/127\\.0\\.0\\.21:\\d+",
        "async        | ok 4 bytes peer=/127\\.0\\.0\\.21:\\d+",
        "http         | ok 200 client=/127\\.0\\.0\\.21:\\d+",
        // a datagram into the fake network, and one to an outside address refused before any system call
        "udp          | 'sent inside, outside refused Network is unreachable: .*'",
        "netty-nio    | ok transport=nio echo=ping local=/127\\.0\\.0\\.21:\\d+",
        "netty-epoll  | ok transport=nio echo=ping local=/127\\.0\\.0\\.21:\\d+",
        "netty-io_uring | ok transport=nio echo=ping local=/127\\.0\\.0\\.21:\\d+",
        "epoll-insist | refused java.lang.UnsatisfiedLinkError: native transport io.netty.channel.epoll.Epoll is unavailable under swrap-agent .*",
        "grpc         | ok local=/127\\.0\\.0\\.21:(\\d+) PEER /127\\.0\\.0\\.21:\\1 leak",
        "jdbc         | connect error Connection to 127\\.0\\.0\\.50:5432 refused.*cause: java.net.ConnectException: Connection refused",
        "reachable    | inside=true outside=false",
        "http-proxy   | refused java.net.SocketException: Network is unreachable: 192\\.0\\.2\\.1 is outside the socket_wrapper network.*",
        // libsctp1 installed (scripts/test): the JDK reaches socket(), where the agent refuses
        "sctp         | refused java.net.SocketException: Protocol not supported: swrap-agent refuses SCTP sockets.*",
        "jndi-dns     | refused java.net.SocketException: Network is unreachable: 192\\.0\\.2\\.1 is outside the socket_wrapper network.*",
        "socks-proxy  | refused java.net.SocketException: Network is unreachable: 192\\.0\\.2\\.1 is outside the socket_wrapper network.*",
    })
    void noRealInetSyscallUnderTheAgent(String program, String outcome) throws Exception {
        Path trace = dir.resolve("trace");
        try (ChildProcess p = traced(program, trace, true)) {
            p.expect("RESULT " + program + " " + outcome);
            p.succeeds();
            assertNoInetCalls(program, trace);
            if (program.contains("epoll") || program.equals("grpc")) {
                assertTrue(p.stderr().contains("swrap_native_transport: ") && p.stderr().contains(
                        ".channel.epoll.Epoll (class loader "), "no log line naming the native transport: " + p.stderr());
            }
            if (program.contains("io_uring")) {
                assertTrue(p.stderr().contains("swrap_native_transport: io.netty.channel.uring.IoUring (class loader "),
                        "no log line naming the native transport: " + p.stderr());
            }
        }
    }

    @Test
    void detectorSeesTheRealSocketsOfAProgramWithoutTheAgent() throws Exception {
        Path trace = dir.resolve("trace");
        try (ChildProcess p = traced("socket", trace, false)) {
            p.expect("RESULT socket .*");
            p.succeeds();
        }
        List<String> leaks = inetCalls(trace);
        assertFalse(leaks.isEmpty(), "the detector found no inet call of a plain JVM: " + Files.readString(trace));
        AssertionError e = assertThrows(AssertionError.class, () -> assertNoInetCalls("socket", trace));
        assertTrue(e.getMessage().contains(leaks.get(0)), e.getMessage());
    }

    @Test
    void nettyReallyUsesEpollWithoutTheAgent() throws Exception {
        // proves the netty-epoll row is not vacuous: the native transport loads here and makes its own calls
        Path trace = dir.resolve("trace");
        try (ChildProcess p = traced("netty-epoll", trace, false)) {
            p.expect("RESULT netty-epoll .*");
            p.succeeds();
        }
        List<String> leaks = inetCalls(trace);
        assertTrue(leaks.stream().anyMatch(l -> l.contains("htons(7007)")),
                "epoll made no inet bind/connect to port 7007: " + leaks);
    }

    @Test
    void nettyReallyUsesIoUringWithoutTheAgent() throws Exception {
        // its connects go through the ring, invisible to strace: the ring's set-up is what the matrix flags
        Path trace = dir.resolve("trace");
        try (ChildProcess p = traced("netty-io_uring", trace, false)) {
            p.expect("RESULT netty-io_uring .*");
            p.succeeds();
        }
        List<String> leaks = inetCalls(trace);
        assertTrue(leaks.stream().anyMatch(l -> l.contains("io_uring_setup(")), "no io_uring was set up: " + leaks);
        assertTrue(leaks.stream().anyMatch(l -> l.contains("htons(7009)")), "io_uring made no inet bind: " + leaks);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"java", "sh"})
    void grpcUnderSwrapRunMakesNoRealInetCall(String launcher) throws Exception {
        // what the issue saw leak: gRPC under swrap-run, started directly or by a shell launcher (under LD_PRELOAD)
        Path trace = dir.resolve("trace");
        String swrapRun = Path.of("..", "scripts", "swrap-run").toAbsolutePath().normalize().toString();
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n", "strace", "-f", "-qq", "-s", "32", "-o",
                trace.toString(), "-e", "trace=" + SYSCALLS, swrapRun, "--dir", dir.toString(), "--iface", "21",
                "--debug", "1", "--"));
        String cp = System.getProperty("java.class.path");
        cmd.addAll(launcher.equals("sh")
                ? List.of("sh", "-c", "java -cp \"$0\" " + LeakProbe.class.getName() + " grpc", cp)
                : List.of("java", "-cp", cp, LeakProbe.class.getName(), "grpc"));
        try (ChildProcess p = ChildProcess.command("swrap-run " + launcher + " grpc",
                java.util.Map.of("SWRAP_NO_BUILD", "1"), cmd)) {
            p.expect("RESULT grpc ok local=/127\\.0\\.0\\.21:(\\d+) PEER /127\\.0\\.0\\.21:\\1 leak");
            p.succeeds();
            assertTrue(p.stderr().contains("swrap_native_transport: io.grpc.netty.shaded.io.netty.channel.epoll.Epoll"),
                    p.stderr());
        }
        assertNoInetCalls("swrap-run -- " + launcher + " … grpc", trace);
    }

    /** The program under strace in an empty network namespace, with or without the agent. */
    private ChildProcess traced(String program, Path trace, boolean agent) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n", "strace", "-f", "-qq", "-s", "32",
                "-o", trace.toString(), "-e", "trace=" + SYSCALLS, ChildProcess.JAVA));
        if (agent) {
            cmd.addAll(ChildProcess.agentFlags());
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LeakProbe.class.getName(), program));
        var env = ChildProcess.net(dir, 21);
        env.put("SOCKET_WRAPPER_DEBUGLEVEL", "1");
        return ChildProcess.command(program + (agent ? " under the agent" : " without the agent"), env, cmd);
    }

    static List<String> inetCalls(Path trace) throws IOException {
        return Files.readAllLines(trace).stream().filter(l -> INET_CALL.matcher(l).find()).toList();
    }

    static void assertNoInetCalls(String program, Path trace) throws IOException {
        List<String> leaks = inetCalls(trace);
        assertEquals(List.of(), leaks, program + " made real inet system calls:\n" + String.join("\n", leaks));
    }
}
