package io.swrap.smb.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SMB1-only client (smbclient -m NT1) gets the answer Samba gives, an SMB1 NEGOTIATE response with
 * DialectIndex 0xFFFF ("No compatible protocol selected by server"), and the server logs one line for it.
 */
class Smb1OnlyInteropTest {
    @TempDir
    Path tmp;

    @Test
    void smb1OnlyClientIsToldThereIsNoCompatibleProtocol() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        // test runs log warnings only (src/test/resources/logging.properties): let this logger's INFO through
        Logger negotiate = Logger.getLogger("io.swrap.smb.smb2.handler.NegotiateHandler");
        java.util.logging.Level saved = negotiate.getLevel();
        negotiate.setLevel(java.util.logging.Level.INFO);
        Logger root = Logger.getLogger("");
        root.addHandler(h);
        try (SmbTestServer server = SmbTestServer.start(tmp.resolve("srv"), "")) {
            Path cwd = Files.createDirectories(tmp.resolve("c"));
            SmbClient.Result r = SmbClient.run(server.port, "share", SmbTestServer.PASSWORD, cwd, "ls", "-m", "NT1",
                    "--option=client min protocol=NT1");
            assertNotEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("No compatible protocol selected by server"), r.output());
            // the server goes on serving SMB2 clients
            SmbClient.Result ok = SmbClient.run(server.port, "share", SmbTestServer.PASSWORD, cwd, "ls");
            assertEquals(0, ok.exit(), ok.output());
        } finally {
            root.removeHandler(h);
            negotiate.setLevel(saved);
        }
        List<LogRecord> smb1 = records.stream().filter(r -> String.valueOf(r.getMessage()).contains("SMB1")).toList();
        assertEquals(1, smb1.size(), smb1.stream().map(LogRecord::getMessage).toList().toString());
        assertTrue(smb1.get(0).getMessage().contains("offers no SMB2 dialect [NT LANMAN 1.0, NT LM 0.12]"),
                smb1.get(0).getMessage());
        assertEquals(null, smb1.get(0).getThrown(), "no stack trace for a client's choice");
        assertTrue(records.stream().noneMatch(r -> r.getThrown() != null), "no record with a stack trace");
    }
}
