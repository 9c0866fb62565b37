package io.swrap.junit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A failed test keeps its network's outputs and capture (run through the engine: the failure is on purpose). */
class FailureIT {
    private static volatile Path kept;

    /** Not run by failsafe itself (a nested class): FailureIT runs it and expects it to fail. */
    @SwrapNet
    static class FailingOnPurpose {
        @Test
        void talksThenFails(SwrapEnv net) throws Exception {
            kept = net.dir().getParent();
            net.java("server", 11, EchoExampleIT.class);
            net.awaitListener("127.0.0.11", 7000);
            net.c("client", 21, "python3", "-c", "import socket; s = socket.create_connection(('127.0.0.11', 7000));"
                    + " s.sendall(b'kept\\n'); print(s.makefile().readline().strip())").expect("KEPT from .*");
            fail("on purpose: the extension must keep what the processes wrote");
        }
    }

    @Test
    void aFailedTestKeepsItsOutputsAndCapture() throws Exception {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingOnPurpose.class)).execute().testEvents()
                .assertStatistics(s -> s.started(1).failed(1));
        try {
            assertTrue(Files.readString(kept.resolve("client.out")).contains("KEPT from /127.0.0.11"), "client.out kept");
            assertTrue(Files.exists(kept.resolve("server.err")), "server.err kept");
            // pcap header (24 bytes) and at least the handshake, the line and its answer
            assertTrue(Files.size(kept.resolve("capture.pcap")) > 24 + 5 * 16, "capture.pcap kept with packets");
        } finally {
            try (Stream<Path> s = Files.walk(kept)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
