package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.DebianLibs;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import io.swrap.selftest.peers.IdentityProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host identity and names of a JVM under the agent, each checked in a child JVM. */
class IdentityIT {
    @TempDir
    Path dir;

    private Path hosts() throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, """
                A dc1.samba.example 127.0.0.11
                AAAA dc1.samba.example fd00::5357:5f0b
                CNAME www.samba.example dc1.samba.example.
                SRV _ldap._tcp.samba.example dc1.samba.example 389
                PTR 12.0.0.127.in-addr.arpa fileserver.samba.example
                A fileserver.samba.example 127.0.0.12
                MX samba.example mail.samba.example
                """);
        return hosts;
    }

    private Map<String, String> env(int iface) throws Exception {
        Map<String, String> env = ChildProcess.net(dir.resolve("net"), iface);
        Files.createDirectories(dir.resolve("net"));
        return env;
    }

    @Test
    void localHostAndInterfacesAreTheFakeOnes() throws Exception {
        Map<String, String> env = env(21);
        env.put("SWRAP_HOSTNAME", "client21.samba.example");
        env.put("SWRAP_INTERFACES", "21,22");
        try (ChildProcess p = ChildProcess.java("identity", env, IdentityProbe.class.getName(), "identity")) {
            p.expect("LOCALHOST client21.samba.example 127.0.0.21");
            p.expect("IFACE swrap21 index=121 up=true loopback=false mtu=1500 addresses=127.0.0.21/24,fd00:0:0:0:0:0:5357:5f15/64");
            p.expect("IFACE swrap22 index=122 up=true loopback=false mtu=1500 addresses=127.0.0.22/24,fd00:0:0:0:0:0:5357:5f16/64");
            p.expect("IFACE lo index=1 up=true loopback=true mtu=65536 addresses=127.0.0.1/8,0:0:0:0:0:0:0:1/128");
            p.expect("STREAM swrap21,swrap22,lo");
            p.expect("BY-ADDRESS swrap21");
            p.expect("BY-NAME eth0=null lo=lo");
            p.expect("BY-INDEX swrap21");
            p.expect("DONE");
            p.succeeds();
            assertEquals(3, p.stdout().stream().filter(l -> l.startsWith("IFACE ")).count(),
                    "swrap21, swrap22 and lo only: " + p.stdout());
        }
    }

    @Test
    void defaultHostNameAndInterfaceFollowTheDefaultInterface() throws Exception {
        try (ChildProcess p = ChildProcess.java("identity-default", env(11), IdentityProbe.class.getName(), "identity")) {
            p.expect("LOCALHOST swrap-11 127.0.0.11");
            p.expect("IFACE swrap11 index=111 .*");
            p.expect("IFACE lo .*");
            p.expect("STREAM swrap11,lo");
            p.succeeds();
        }
    }

    @Test
    void namesComeFromTheResolvWrapperHostsFile() throws Exception {
        Map<String, String> env = env(21);
        Path hosts = hosts();
        env.put("RESOLV_WRAPPER_HOSTS", hosts.toString());
        try (ChildProcess p = ChildProcess.java("resolve", env, IdentityProbe.class.getName(), "resolve",
                "dc1.samba.example", "DC1.Samba.Example.", "www.samba.example", "localhost", "swrap-21",
                "nosuch.samba.example", "_ldap._tcp.samba.example")) {
            p.expect("RESOLVED dc1.samba.example 127.0.0.11,fd00:0:0:0:0:0:5357:5f0b");
            p.expect("RESOLVED DC1.Samba.Example. 127.0.0.11,fd00:0:0:0:0:0:5357:5f0b");
            p.expect("RESOLVED www.samba.example 127.0.0.11,fd00:0:0:0:0:0:5357:5f0b");
            p.expect("RESOLVED localhost 127.0.0.1,0:0:0:0:0:0:0:1");
            p.expect("RESOLVED swrap-21 127.0.0.21,fd00:0:0:0:0:0:5357:5f15");
            p.expect("UNKNOWN nosuch.samba.example nosuch.samba.example: not in RESOLV_WRAPPER_HOSTS="
                    + hosts.toAbsolutePath() + " \\(swrap-agent makes no DNS queries\\)");
            p.expect("UNKNOWN _ldap._tcp.samba.example .*not in RESOLV_WRAPPER_HOSTS=.*");
            p.expect("DONE");
            p.succeeds();
        }
        try (ChildProcess p = ChildProcess.java("reverse", env, IdentityProbe.class.getName(), "reverse",
                "127.0.0.11", "127.0.0.12", "127.0.0.21", "127.0.0.33", "fd00::5357:5f0b")) {
            p.expect("REVERSE 127.0.0.11 dc1.samba.example dc1.samba.example");
            p.expect("REVERSE 127.0.0.12 fileserver.samba.example fileserver.samba.example");
            p.expect("REVERSE 127.0.0.21 swrap-21 swrap-21");
            p.expect("REVERSE 127.0.0.33 127.0.0.33 127.0.0.33");
            p.expect("REVERSE fd00::5357:5f0b dc1.samba.example dc1.samba.example");
            p.succeeds();
        }
    }

    @Test
    void withoutAHostsFileOnlyLocalNamesResolve() throws Exception {
        try (ChildProcess p = ChildProcess.java("no-hosts", env(21), IdentityProbe.class.getName(), "resolve",
                "localhost", "swrap-21", "127.0.0.11", "example.com")) {
            p.expect("RESOLVED localhost .*");
            p.expect("RESOLVED swrap-21 127.0.0.21,.*");
            p.expect("RESOLVED 127.0.0.11 127.0.0.11");
            p.expect("UNKNOWN example.com example.com: RESOLV_WRAPPER_HOSTS is not set, so only localhost, swrap-21"
                    + " and literal addresses resolve \\(swrap-agent makes no DNS queries\\)");
            p.succeeds();
        }
    }

    /** The system calls of the whole JVM under strace: no inet connect or send, to port 53 or anywhere. */
    @Test
    void unknownNamesSendNoPacket() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is missing: scripts/test installs it");
        Map<String, String> env = env(21);
        env.put("RESOLV_WRAPPER_HOSTS", hosts().toString());
        Path trace = dir.resolve("strace.out");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/strace", "-f", "-qq", "-o", trace.toString(),
                "-e", "trace=socket,connect,sendto,sendmsg,sendmmsg", ChildProcess.JAVA));
        cmd.addAll(ChildProcess.agentFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IdentityProbe.class.getName(), "resolve",
                "nosuch.samba.example", "example.com", "dc1.samba.example"));
        try (ChildProcess p = ChildProcess.command("strace", env, cmd)) {
            p.expect("UNKNOWN nosuch.samba.example .*not in RESOLV_WRAPPER_HOSTS=.*");
            p.expect("UNKNOWN example.com .*not in RESOLV_WRAPPER_HOSTS=.*");
            p.expect("RESOLVED dc1.samba.example .*");
            p.succeeds();
        }
        List<String> calls = Files.readAllLines(trace);
        // the agent's self-check makes one wrapped socket: proof that the trace sees the JVM's sockets
        assertTrue(calls.stream().anyMatch(l -> l.contains("socket(AF_UNIX, SOCK_STREAM")), String.join("\n", calls));
        List<String> inet = calls.stream().filter(l -> l.contains("AF_INET") && !l.contains("socket(")).toList();
        assertEquals(List.of(), inet, "inet connect/send of the JVM");
        assertFalse(calls.stream().anyMatch(l -> l.contains("htons(53)")), "a DNS packet");
    }

    /**
     * Java under the agent and C under socket_wrapper + resolv_wrapper read one hosts file: the C
     * program resolves the Java server's name with res_query and reaches it; Java resolves the
     * same name to the same address.
     */
    @Test
    void javaAndCUnderResolvWrapperShareNames() throws Exception {
        Path resolvWrapper = DebianLibs.libresolvWrapper();
        assertTrue(Files.isRegularFile(resolvWrapper), resolvWrapper + " is missing: scripts/test installs libresolv-wrapper");
        Map<String, String> env = env(11);
        env.put("RESOLV_WRAPPER_HOSTS", hosts().toString());
        try (ChildProcess server = ChildProcess.java("server", env, EchoServer.class.getName(), "nio", "127.0.0.11:7400")) {
            server.expect("LISTENING /127.0.0.11:7400");
            Map<String, String> cEnv = env(22);
            cEnv.put("RESOLV_WRAPPER_HOSTS", env.get("RESOLV_WRAPPER_HOSTS"));
            cEnv.put("LD_PRELOAD", DebianLibs.libsocketWrapper() + ":" + resolvWrapper);
            Path script = ChildProcess.resource("resolve_connect.py");
            try (ChildProcess c = ChildProcess.command("c-resolver", cEnv, List.of(ChildProcess.PYTHON, "-u",
                    script.toString(), "dc1.samba.example", "7400"))) {
                c.expect("RESOLVED dc1.samba.example 127.0.0.11");
                c.expect("ECHO hello from python");
                server.expect("ACCEPTED local=/127.0.0.11:7400 peer=/127.0.0.22:\\d+");
                c.succeeds();
            }
            Map<String, String> javaEnv = env(21);
            javaEnv.put("RESOLV_WRAPPER_HOSTS", env.get("RESOLV_WRAPPER_HOSTS"));
            try (ChildProcess java = ChildProcess.java("java-resolver", javaEnv, EchoClient.class.getName(), "nio",
                    "dc1.samba.example:7400")) {
                java.expect("CONNECTED local=/127.0.0.21:\\d+ remote=dc1.samba.example/127.0.0.11:7400");
                java.expect("ECHO hello from \\d+");
                java.succeeds();
            }
        }
    }

    /** {@code -Djdk.net.hosts.file} would make the JDK skip resolver providers: the agent's resolver still answers. */
    @Test
    void jdkHostsFilePropertyDoesNotBypassTheResolver() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ChildProcess.JAVA, "-Djdk.net.hosts.file=/etc/hosts"));
        cmd.addAll(ChildProcess.agentFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IdentityProbe.class.getName(), "resolve",
                "example.com"));
        try (ChildProcess p = ChildProcess.command("hosts-file-property", env(21), cmd)) {
            p.expect("UNKNOWN example.com example.com: RESOLV_WRAPPER_HOSTS is not set, .*");
            p.succeeds();
        }
    }
}
