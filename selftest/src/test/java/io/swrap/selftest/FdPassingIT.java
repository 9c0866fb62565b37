package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import io.swrap.selftest.peers.FdPassPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrapped sockets passed between JVMs with junixsocket (SCM_RIGHTS): the receiver gets the same
 * shared-table record, so it sees the same fake addresses, and the connection outlives the
 * sender's copy. Each test ends with an audit of the table: only the listeners still running.
 */
class FdPassingIT {
    @TempDir
    Path dir;

    @Test
    void connectedSocketContinuesInAnotherJvmAfterTheSenderClosedIt() throws Exception {
        try (ChildProcess server = ChildProcess.java("echo", ChildProcess.net(dir, 11), EchoServer.class.getName(),
                "nio", "127.0.0.11:7300");
             ChildProcess b = receiver("receive")) {
            server.expect("LISTENING /127.0.0.11:7300");
            long sender;
            try (ChildProcess a = ChildProcess.java("sender", ChildProcess.net(dir, 21), FdPassPeer.class.getName(),
                    "send", ctl().toString(), "conn:127.0.0.11:7300")) {
                sender = a.pid();
                Matcher c = a.expect("CONNECTED local=(/127\\.0\\.0\\.21:\\d+) remote=/127\\.0\\.0\\.11:7300");
                a.expect("ECHO before");
                a.expect("SENT 1 CLOSED");
                b.expect("RECEIVED 1 byte=P");
                b.expect("CONN local=" + c.group(1) + " remote=/127\\.0\\.0\\.11:7300");
                b.expect("ECHO after");
                a.expect("ACKED");
                a.succeeds();
                server.expect("ACCEPTED local=/127\\.0\\.0\\.11:7300 peer=" + c.group(1));
            }
            b.expect("DONE");
            b.succeeds();
            List<String> ls = TableIT.swrap("ls", dir);
            assertTrue(ls.stream().anyMatch(l -> l.contains(server.pid() + "(1)") && l.contains(" LISTEN ")
                    && l.contains("127.0.0.11:7300")), "the echo server's listener: " + ls);
            assertTrue(ls.stream().noneMatch(l -> l.contains(sender + "(") || l.contains(b.pid() + "(")),
                    "nothing left of the sender or the receiver: " + ls);
        }
        TableIT.assertCleanAudit(dir, 0);
    }

    @Test
    void listenerConnectionAndFileInOneMessage() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "a plain file\n");
        try (ChildProcess server = ChildProcess.java("echo", ChildProcess.net(dir, 11), EchoServer.class.getName(),
                "nio", "127.0.0.11:7300");
             ChildProcess b = receiver("receive")) {
            server.expect("LISTENING /127.0.0.11:7300");
            try (ChildProcess a = ChildProcess.java("sender", ChildProcess.net(dir, 21), FdPassPeer.class.getName(),
                    "send", ctl().toString(), "listen:127.0.0.13:7301", "conn:127.0.0.11:7300", "file:" + file)) {
                a.expect("LISTENING /127.0.0.13:7301");
                Matcher c = a.expect("CONNECTED local=(/127\\.0\\.0\\.21:\\d+) remote=/127\\.0\\.0\\.11:7300");
                a.expect("SENT 3 CLOSED");
                b.expect("RECEIVED 3 byte=P");
                // the listener lives on in B although A closed its copy: B accepts a new client on it
                b.expect("LISTENER /127\\.0\\.0\\.13:7301");
                try (ChildProcess client = ChildProcess.java("client", ChildProcess.net(dir, 23),
                        EchoClient.class.getName(), "nio", "127.0.0.13:7301")) {
                    Matcher cc = client.expect("CONNECTED local=(/127\\.0\\.0\\.23:\\d+) remote=/127\\.0\\.0\\.13:7301");
                    client.expect("ECHO hello from \\d+");
                    b.expect("ACCEPTED local=/127\\.0\\.0\\.13:7301 peer=" + cc.group(1));
                    client.succeeds();
                }
                b.expect("CONN local=" + c.group(1) + " remote=/127\\.0\\.0\\.11:7300");
                b.expect("ECHO after");
                b.expect("FILE a plain file");
                a.expect("ACKED");
                a.succeeds();
            }
            b.expect("DONE");
            b.succeeds();
            assertFalse(Files.exists(dir.resolve("T0D1C85")), "the passed listener's file is unlinked once B closed it");
        }
        TableIT.assertCleanAudit(dir, 0);
    }

    @Test
    void nettyInAnotherJvmAdoptsAndServesAPassedConnection() throws Exception {
        try (ChildProcess b = receiver("receive-netty");
             ChildProcess a = ChildProcess.java("acceptor", ChildProcess.net(dir, 11), FdPassPeer.class.getName(),
                     "acceptor", "127.0.0.11:7400", ctl().toString())) {
            a.expect("LISTENING /127\\.0\\.0\\.11:7400");
            try (ChildProcess client = ChildProcess.java("client", ChildProcess.net(dir, 21),
                    FdPassPeer.class.getName(), "client", "127.0.0.11:7400")) {
                Matcher c = client.expect("CONNECTED local=(/127\\.0\\.0\\.21:\\d+) remote=/127\\.0\\.0\\.11:7400");
                client.expect("REPLY A:one");
                b.expect("CONN local=/127\\.0\\.0\\.11:7400 remote=" + c.group(1));
                b.expect("NETTY local=/127\\.0\\.0\\.11:7400 remote=" + c.group(1) + " registered=true");
                client.expect("REPLY B:two");
                client.succeeds();
            }
            a.expect("ACKED");
            a.succeeds();
            b.expect("NETTY-CLOSED");
            b.expect("DONE");
            b.succeeds();
        }
        TableIT.assertCleanAudit(dir, 0);
    }

    private ChildProcess receiver(String mode) throws Exception {
        Map<String, String> env = ChildProcess.net(dir, 22);
        ChildProcess b = ChildProcess.java("receiver", env, FdPassPeer.class.getName(), mode, ctl().toString());
        b.expect("READY");
        return b;
    }

    private Path ctl() {
        return dir.resolve("fdpass-ctl");
    }
}
