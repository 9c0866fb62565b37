package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Malformed and abusive requests (issue 8's medium and low findings) from {@code BoundsProbe} in a child JVM,
 * each after a real session setup on its own connection, against the server in its own JVM: lengths and
 * offsets that used to drive allocations or throw, invalid MessageIds, over-long compound chains and LOCK
 * element lists, handle and CHANGE_NOTIFY floods, and the log lines a flood of bad requests costs.
 */
class ProtocolBoundsIT extends SmbServerSuite {
    private static final int CLIENT = 23;
    private static final Duration PER_SCENARIO = Duration.ofSeconds(120);
    private static final String INVALID_PARAMETER = "0xc000000d";

    /** Runs the scenarios and returns each one's key=value facts. */
    private static Map<String, Map<String, String>> probe(SmbEnv on, int nic, String... scenarios) throws Exception {
        List<String> args = new ArrayList<>(List.of("127.0.0." + nic + ":" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD));
        args.addAll(List.of(scenarios));
        Map<String, Map<String, String>> out = new HashMap<>();
        try (ChildProcess p = ChildProcess.java("bounds-probe", ChildProcess.net(on.swrapDir(), CLIENT),
                "io.swrap.selftest.peers.BoundsProbe", args.toArray(String[]::new))) {
            for (String sc : scenarios) {
                Matcher m = p.expect("(RESULT|ERROR) \\Q" + sc + "\\E (.*)", PER_SCENARIO);
                assertEquals("RESULT", m.group(1), sc + ": " + m.group(2) + "\nprobe stderr:\n" + p.stderr()
                        + "\nserver:\n" + tail(on.serverStderr()));
                Map<String, String> facts = new HashMap<>();
                for (String kv : m.group(2).split(" ")) {
                    String[] f = kv.split("=", 2);
                    facts.put(f[0], f.length > 1 ? f[1] : "");
                }
                out.put(sc, facts);
            }
            p.succeeds();
        }
        return out;
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : "..." + log.substring(log.length() - 4000);
    }

    /** No stack trace and no OutOfMemoryError in the server's log: a peer's bad input is not a server error. */
    private static void assertCleanLog(SmbEnv on, String since) {
        String log = on.serverStderr().substring(since.length());
        assertFalse(log.contains("\tat ") || log.contains("OutOfMemoryError") || log.contains("SEVERE"),
                "server logged an error or a stack trace:\n" + tail(log));
        assertTrue(on.serverAlive(), "server died:\n" + tail(log));
    }

    @Test
    void lengthsAndOffsetsAreCheckedBeforeUse() throws Exception {
        String before = env.serverStderr();
        var r = probe(env, NICS[0], "createContextLength", "emptyBufferOffset", "allocationMinusOne",
                "ntlmOffsetOverflow");
        assertEquals(INVALID_PARAMETER, r.get("createContextLength").get("status"), "2 GiB create context: " + r);
        assertEquals("true", r.get("createContextLength").get("alive"));
        assertEquals(INVALID_PARAMETER, r.get("emptyBufferOffset").get("create"), "empty contexts at 0xFFFF0000: " + r);
        assertEquals(INVALID_PARAMETER, r.get("emptyBufferOffset").get("write"), "empty WRITE data at 0xF000: " + r);
        assertEquals(INVALID_PARAMETER, r.get("allocationMinusOne").get("status"), "AllocationSize -1: " + r);
        assertEquals("0xc000006d", r.get("ntlmOffsetOverflow").get("status"), "NTLM offset overflow: LOGON_FAILURE " + r);
        assertEquals("true", r.get("ntlmOffsetOverflow").get("alive"));
        assertCleanLog(env, before);
    }

    @Test
    void sparseFileRangesAreCheckedBeforeUse() throws Exception {
        String before = env.serverStderr();
        var r = probe(env, NICS[0], "sparseRanges").get("sparseRanges");
        for (String k : List.of("qarNegativeOffset", "qarNegativeLength", "qarOverflow", "zeroNegativeOffset",
                "zeroReversed", "zeroNegativeEnd")) {
            assertEquals(INVALID_PARAMETER, r.get(k), k + ": " + r);
        }
        assertEquals("0x0", r.get("qarValid"), "a valid query after them: " + r);
        assertEquals("0+4", r.get("range"), "a non-sparse 4-byte file is one allocated range: " + r);
        assertEquals("true", r.get("alive"));
        assertCleanLog(env, before);
    }

    /**
     * Issue 12: security descriptors and EA lists whose offsets, counts and lengths lie, from a client of its own,
     * each refused with its status (INVALID_SECURITY_DESCR; INVALID_PARAMETER for EA lists, as Samba answers
     * them), the server staying up; the same handle then takes valid ones, and EaSize counts the EAs stored.
     */
    @Test
    void hostileSecurityDescriptorsAndEaListsAreRefused() throws Exception {
        String before = env.serverStderr();
        Map<String, String> r = new HashMap<>();
        try (ChildProcess p = ChildProcess.java("hostile-input", ChildProcess.net(env.swrapDir(), CLIENT),
                "io.swrap.selftest.peers.HostileInputProbe", "127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share",
                SmbEnv.USER, SmbEnv.PASSWORD)) {
            Matcher m = p.expect("(RESULT|ERROR) (.*)", PER_SCENARIO);
            assertEquals("RESULT", m.group(1), m.group(2) + "\nprobe stderr:\n" + p.stderr());
            for (String kv : m.group(2).split(" ")) {
                String[] f = kv.split("=", 2);
                r.put(f[0], f[1]);
            }
            p.succeeds();
        }
        for (String k : List.of("sdOwnerBeyondEnd", "sdTruncatedHeader", "sdSidSubAuthorities", "sdSidRevision",
                "sdAceCount", "sdAceSize", "sdAceSmallerThanSid", "sdAclSize", "sdDaclBeyondEnd")) {
            assertEquals("0xc0000079", r.get(k), k + ": INVALID_SECURITY_DESCR expected in " + r);
        }
        for (String k : List.of("eaNextBeyondEnd", "eaNextInsideEntry", "eaNameLengthZero", "eaNameBeyondEnd",
                "eaValueBeyondEnd", "eaTruncated", "eaNameCharacter", "extaContext")) {
            assertEquals(INVALID_PARAMETER, r.get(k), k + ": INVALID_PARAMETER expected in " + r);
        }
        assertEquals("true", r.get("aliveAfterBadInput"), r.toString());
        assertEquals("0x0", r.get("sdValid"), "a valid descriptor on the same handle: " + r);
        assertEquals("0x0", r.get("eaValid"), "a valid EA list on the same handle: " + r);
        assertEquals("0x0", r.get("eaInfo"), r.toString());
        // EAONE=VALUE12 (21 bytes, padded to 24) and SECONDEA=ValueTwo (25 bytes, the last, unpadded)
        assertEquals("49", r.get("eaSize"), "FileEaInformation.EaSize: " + r);
        assertEquals("49", r.get("dirEaSize"), "FileFullDirectoryInformation.EaSize: " + r);
        assertEquals("true", r.get("alive"), r.toString());
        assertTrue(env.share().resolve("hostile.bin").toFile().isFile());
        assertFalse(env.share().resolve("hostile-exta.bin").toFile().exists(), "a refused ExtA creates nothing");
        assertCleanLog(env, before);
    }

    @Test
    void invalidMessageIdsEndTheConnection() throws Exception {
        String before = env.serverStderr();
        var r = probe(env, NICS[1], "maxMessageId", "reusedMessageId", "messageIdBeyondWindow");
        for (var e : r.entrySet()) {
            // [MS-SMB2] 3.3.5.2.3: "the server MUST terminate the connection", without an answer
            assertEquals("none", e.getValue().get("answer"), e.getKey() + ": " + e.getValue());
            assertEquals("true", e.getValue().get("closed"), e.getKey() + ": " + e.getValue());
        }
        assertCleanLog(env, before);
    }

    @Test
    void compoundChainsAndLockListsAreCapped() throws Exception {
        String before = env.serverStderr();
        var r = probe(env, NICS[2], "echoChain:64", "echoChain:10000", "lockElements:1024", "lockElements:65535");
        assertEquals("64", r.get("echoChain:64").get("answered"), "64 compounded ECHOs are answered: " + r);
        // 3.3.4.1.3: the responses to a compound request go out compounded, in one frame, each 8-byte aligned
        assertEquals("1", r.get("echoChain:64").get("frames"), "64 compounded ECHOs, one response frame: " + r);
        assertEquals("true", r.get("echoChain:64").get("aligned"), "64 compounded ECHOs, aligned: " + r);
        assertEquals("0", r.get("echoChain:10000").get("answered"), "10000 compounded ECHOs: " + r);
        assertEquals("true", r.get("echoChain:10000").get("closed"), "10000 compounded ECHOs: " + r);
        assertEquals("0x0", r.get("lockElements:1024").get("status"), r.toString());
        assertEquals(INVALID_PARAMETER, r.get("lockElements:65535").get("status"), r.toString());
        assertEquals("true", r.get("lockElements:65535").get("alive"), r.toString());
        String log = env.serverStderr().substring(before.length());
        assertTrue(log.lines().count() < 20, "a 10000-message frame and a LOCK flood cost " + log.lines().count()
                + " log lines:\n" + tail(log));
        assertCleanLog(env, before);
    }

    @Test
    void aFloodOfBadRequestsCostsAFewLogLines() throws Exception {
        String before = env.serverStderr();
        var r = probe(env, NICS[3], "badEchoes:500");
        assertEquals("500", r.get("badEchoes:500").get("refused"), r.toString());
        String log = env.serverStderr().substring(before.length());
        // PeerLog: 20 lines per 10 s per connection, one line each
        assertTrue(log.lines().count() <= 45, "500 bad requests cost " + log.lines().count() + " log lines:\n"
                + tail(log));
        assertCleanLog(env, before);
    }

    @Test
    void changeNotifiesPerHandleAreBoundedAndAllCompletedByClose() throws Exception {
        var r = probe(env, NICS[0], "notifies:20").get("notifies:20");
        assertEquals("15", r.get("pending"), "CHANGE_NOTIFYs waiting on one handle (16, one canceled): " + r);
        assertEquals("4", r.get("refused"), r.toString());
        assertEquals("true", r.get("cancelled"), "CANCEL completes the request it names: " + r);
        assertEquals(r.get("pending"), r.get("cleanup"), "every waiting CHANGE_NOTIFY completes at CLOSE: " + r);
        assertEquals("true", r.get("alive"), r.toString());
    }

    @Test
    void locksPerFileAreCapped() throws Exception {
        var r = probe(env, NICS[2], "lockFill").get("lockFill");
        assertEquals("16384", r.get("granted"), "ByteRangeLocks.MAX_LOCKS_PER_FILE: " + r);
        assertEquals("0xc000009a", r.get("refusal"), "STATUS_INSUFFICIENT_RESOURCES beyond: " + r);
        assertEquals("true", r.get("alive"), r.toString());
        System.out.println("lockFill " + r); // the slowest request's time, for the README (no timing assertion)
    }

    @Test
    void blockingLocksPerHandleAreBoundedAndAllCompletedByClose() throws Exception {
        var r = probe(env, NICS[1], "pendingLocks:20").get("pendingLocks:20");
        assertEquals("16", r.get("pending"), "blocking LOCKs waiting on one handle: " + r);
        assertEquals("4", r.get("refused"), r.toString());
        assertEquals(r.get("pending"), r.get("completed"), "every waiting LOCK completes at CLOSE: " + r);
        assertEquals("true", r.get("alive"), r.toString());
    }

    /**
     * Samba's test-only FSCTL_SMBTORTURE_FSP_ASYNC_SLEEP (the selftest server has smbd:FSCTL_SMBTORTURE = yes)
     * never hangs: a CLOSE sent behind it answers after it (Samba bug 14769), a TREE_DISCONNECT or LOGOFF ends
     * it with STATUS_FILE_CLOSED before its 200 ms are up; input lengths other than Samba's are refused.
     */
    @Test
    void asyncSleepHoldsItsHandleAndEndsWithItsTreeOrSession() throws Exception {
        String before = env.serverStderr();
        var r = probe(env, NICS[3], "asyncSleep:close", "asyncSleep:tdis", "asyncSleep:logoff", "smbtortureInputs");
        var close = r.get("asyncSleep:close");
        assertEquals("0x0", close.get("ioctl"), "the sleep completes although a CLOSE follows it: " + close);
        assertEquals("0x0", close.get("close"), close.toString());
        assertEquals("ioctl", close.get("first"), "the CLOSE answers after the IOCTL: " + close);
        assertTrue(Integer.parseInt(close.get("closeMs")) >= 190, "the CLOSE waited for the 200 ms sleep: " + close);
        for (String then : new String[] {"tdis", "logoff"}) {
            var e = r.get("asyncSleep:" + then);
            assertEquals("0xc0000128", e.get("ioctl"), "STATUS_FILE_CLOSED when the " + then + " closes the handle: "
                    + e);
            assertEquals("0x0", e.get(then), e.toString());
            assertEquals("ioctl", e.get("first"), "the sleep ends before the " + then + " answers: " + e);
            assertTrue(Integer.parseInt(e.get("ioctlMs")) < 190, "ended at once, not after its 200 ms: " + e);
        }
        var in = r.get("smbtortureInputs");
        assertEquals(INVALID_PARAMETER, in.get("sleepNoInput"), "FSP_ASYNC_SLEEP takes 1 byte: " + in);
        assertEquals(INVALID_PARAMETER, in.get("sleepTwoBytes"), in.toString());
        assertEquals(INVALID_PARAMETER, in.get("paddingInput"), "IOCTL_RESPONSE_BODY_PADDING8 takes none: " + in);
        assertEquals("0x0", in.get("padding"), in.toString());
        assertEquals("120", in.get("outputOffset"), "8 bytes after the 48-byte body: " + in);
        assertEquals("65536", in.get("outputCount"), "MaxOutputResponse 128 KiB gets SmbtortureFsctl's 64 KiB: " + in);
        assertEquals("8", in.get("firstByte"), in.toString());
        assertCleanLog(env, before);
        System.out.println("asyncSleep " + r); // the times, for the README (bounds asserted above)
    }

    @Test
    void openHandlesPerSessionAreCapped() throws Exception {
        try (SmbEnv capped = SmbEnv.start(base.resolve("net-openfiles"), new int[] {33}, "max open files = 20")) {
            var r = probe(capped, 33, "openFiles:25").get("openFiles:25");
            assertEquals("20", r.get("opened"), r.toString());
            assertEquals("0xc000011f", r.get("last"), "STATUS_TOO_MANY_OPENED_FILES beyond the cap: " + r);
            assertEquals("0x0", r.get("afterClose"), "a close makes room again: " + r);
        }
    }
}
