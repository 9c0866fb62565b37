package io.swrap.selftest.peers;

import io.swrap.smbclient.RawSession;
import io.swrap.smbclient.RawSession.Message;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Malformed and abusive requests against the SMB server, each after a real session setup on its own
 * connection: {@code BoundsProbe HOST:PORT SHARE USER PASSWORD SCENARIO...}. Each scenario prints one line
 * {@code RESULT <scenario> key=value...} with what the server answered (statuses as hex, {@code closed=true}
 * when it ended the connection); the test judges the values. An unexpected failure prints
 * {@code ERROR <scenario> <exception>}.
 */
public final class BoundsProbe {
    private static final int TIMEOUT_MS = 30_000;
    private static final int GENERIC_ALL = 0x10000000;
    private static final int FILE_LIST_DIRECTORY = 0x1;
    private static final int FILE_OPEN_IF = 3;
    private static final int FILE_OPEN = 1;
    private static final int FILE_DIRECTORY_FILE = 0x1;

    private BoundsProbe() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = Addr.parse(args[0]);
        for (int i = 4; i < args.length; i++) {
            String scenario = args[i];
            try {
                System.out.println("RESULT " + scenario + " " + run(server, args[1], args[2], args[3], scenario));
            } catch (Exception e) {
                System.out.println("ERROR " + scenario + " " + e);
                e.printStackTrace();
            }
            System.out.flush();
        }
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws IOException {
        String[] f = scenario.split(":");
        try (RawSession s = RawSession.open(server, user, password, share, Smb2Dialect.SMB2_10, false, TIMEOUT_MS)) {
            return switch (f[0]) {
                case "createContextLength" -> createContextLength(s);
                case "emptyBufferOffset" -> emptyBufferOffset(s);
                case "allocationMinusOne" -> allocationMinusOne(s);
                case "maxMessageId" -> messageId(s, Long.MAX_VALUE);
                case "reusedMessageId" -> messageId(s, s.nextMessageId() - 1);
                case "messageIdBeyondWindow" -> messageId(s, s.nextMessageId() + 100_000);
                case "openFiles" -> openFiles(s, Integer.parseInt(f[1]));
                case "notifies" -> notifies(s, Integer.parseInt(f[1]));
                case "lockFill" -> lockFill(s);
                case "pendingLocks" -> pendingLocks(s, Integer.parseInt(f[1]));
                case "lockElements" -> lockElements(s, Integer.parseInt(f[1]));
                case "echoChain" -> echoChain(s, Integer.parseInt(f[1]));
                case "badEchoes" -> badEchoes(s, Integer.parseInt(f[1]));
                case "ntlmOffsetOverflow" -> ntlmOffsetOverflow(server);
                case "sparseRanges" -> sparseRanges(s);
                case "asyncSleep" -> asyncSleep(s, f[1]);
                case "smbtortureInputs" -> smbtortureInputs(s);
                case "newStream" -> "status=" + hex(s.call(Smb2Command.CREATE, RawSession.createBody(f[1] + ":probe",
                        0x80, 2, 0)).status()); // FILE_READ_ATTRIBUTES only, FILE_CREATE
                default -> throw new IllegalArgumentException("scenario " + scenario);
            };
        }
    }

    private static String hex(int status) {
        return "0x" + Integer.toHexString(status);
    }

    /** CREATE whose one context claims Next 0x7FFFFFF8 and DataLength 0x7FFF0000: ~2 GiB for a 200-byte request. */
    private static String createContextLength(RawSession s) throws IOException {
        byte[] name = "ctx.bin".getBytes(StandardCharsets.UTF_16LE);
        int ctxOff = 64 + 56 + ((name.length + 7) & ~7);
        ByteBuffer ctx = RawSession.body(32).putInt(0x7FFFFFF8).putShort((short) 16).putShort((short) 4)
                .putShort((short) 0).putShort((short) 24).putInt(0x7FFF0000).put("MxAc".getBytes(StandardCharsets.US_ASCII));
        byte[] body = RawSession.concat(createFixed(name.length, ctxOff, 32), pad(name, (name.length + 7) & ~7),
                ctx.array());
        Message m = s.call(Smb2Command.CREATE, body);
        return "status=" + hex(m.status()) + " alive=" + s.echo();
    }

    /** Zero-length buffers with offsets far outside the message: CREATE contexts, WRITE data. */
    private static String emptyBufferOffset(RawSession s) throws IOException {
        byte[] name = "empty.bin".getBytes(StandardCharsets.UTF_16LE);
        byte[] body = RawSession.concat(createFixed(name.length, 0xFFFF0000, 0), name);
        Message create = s.call(Smb2Command.CREATE, body);
        byte[] fid = s.create("empty.bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        ByteBuffer w = RawSession.body(49).putShort((short) 49).putShort((short) 0xF000).putInt(0).putLong(0).put(fid)
                .putInt(0).putInt(0).putShort((short) 0).putShort((short) 0).putInt(0).put((byte) 0);
        Message write = s.call(Smb2Command.WRITE, w.array());
        s.closeFile(fid);
        return "create=" + hex(create.status()) + " write=" + hex(write.status()) + " alive=" + s.echo();
    }

    /** SET_INFO FileAllocationInformation (19) of -1. */
    private static String allocationMinusOne(RawSession s) throws IOException {
        byte[] fid = s.create("alloc.bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        ByteBuffer b = RawSession.body(40).putShort((short) 33).put((byte) 1).put((byte) 19).putInt(8)
                .putShort((short) (64 + 32)).putShort((short) 0).putInt(0).put(fid).putLong(-1L);
        Message m = s.call(Smb2Command.SET_INFO, b.array());
        s.closeFile(fid);
        return "status=" + hex(m.status()) + " alive=" + s.echo();
    }

    /** An ECHO with MessageId {@code id}: [MS-SMB2] 3.3.5.2.3 wants the connection terminated when it is invalid. */
    private static String messageId(RawSession s, long id) throws IOException {
        byte[] m = s.message(Smb2Command.ECHO, RawSession.body(4).putShort((short) 4).array());
        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(24, id);
        s.sendFrame(m);
        String answer = "none";
        try {
            answer = hex(s.read().status());
        } catch (EOFException e) {
            // closed before answering
        }
        return "answer=" + answer + " closed=" + s.closedByServer();
    }

    /**
     * FSCTL_QUERY_ALLOCATED_RANGES (0x940CF) and FSCTL_SET_ZERO_DATA (0x980C8) with offsets and lengths that are
     * negative or overflow 64 bits, on a 4-byte file; then a valid query, which must still answer its one range.
     */
    private static String sparseRanges(RawSession s) throws IOException {
        byte[] fid = s.create("ranges.bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        ByteBuffer w = RawSession.body(52).putShort((short) 49).putShort((short) (64 + 48)).putInt(4).putLong(0)
                .put(fid).putInt(0).putInt(0).putShort((short) 0).putShort((short) 0).putInt(0).put("data".getBytes(
                        StandardCharsets.US_ASCII));
        s.ok(s.call(Smb2Command.WRITE, w.array()), "write ranges.bin");
        String out = "qarNegativeOffset=" + hex(fsctl(s, fid, 0x940CF, -1L, 16, 64).status())
                + " qarNegativeLength=" + hex(fsctl(s, fid, 0x940CF, 0, -16, 64).status())
                + " qarOverflow=" + hex(fsctl(s, fid, 0x940CF, 2, Long.MAX_VALUE, 64).status())
                + " zeroNegativeOffset=" + hex(fsctl(s, fid, 0x980C8, Long.MIN_VALUE, 4, 0).status())
                + " zeroReversed=" + hex(fsctl(s, fid, 0x980C8, 3, 1, 0).status())
                + " zeroNegativeEnd=" + hex(fsctl(s, fid, 0x980C8, 0, -1L, 0).status());
        Message valid = fsctl(s, fid, 0x940CF, 0, Long.MAX_VALUE, 64);
        ByteBuffer v = valid.le();
        int outCount = v.getInt(64 + 36);
        int at = v.getInt(64 + 32); // OutputOffset, from the start of the header
        String range = outCount == 16 ? v.getLong(at) + "+" + v.getLong(at + 8) : "count" + outCount;
        s.closeFile(fid);
        return out + " qarValid=" + hex(valid.status()) + " range=" + range + " alive=" + s.echo();
    }

    /** An IOCTL with SMB2_0_IOCTL_IS_FSCTL whose input is the two 64-bit values {@code a} and {@code b}. */
    private static Message fsctl(RawSession s, byte[] fid, int ctlCode, long a, long b, int maxOut) throws IOException {
        ByteBuffer io = RawSession.body(56 + 16).putShort((short) 57).putShort((short) 0).putInt(ctlCode).put(fid)
                .putInt(64 + 56).putInt(16).putInt(0).putInt(0).putInt(0).putInt(maxOut).putInt(1).putInt(0)
                .putLong(a).putLong(b);
        return s.call(Smb2Command.IOCTL, io.array());
    }

    /** Samba's FSCTL_SMBTORTURE_FSP_ASYNC_SLEEP, FSCTL_SMBTORTURE_IOCTL_RESPONSE_BODY_PADDING8 (libcli/smb). */
    private static final int FSP_ASYNC_SLEEP = 0x83848043;
    private static final int IOCTL_RESPONSE_BODY_PADDING8 = 0x83848013;

    /**
     * FSP_ASYNC_SLEEP of 200 ms on a new file's handle, followed at once by {@code then} (close, tdis or logoff)
     * without waiting: prints the IOCTL's final status, the other request's, which was answered first and how
     * long after sending each final answer came (a CLOSE waits for the sleep; the others end it at once).
     */
    private static String asyncSleep(RawSession s, String then) throws IOException {
        byte[] fid = s.create("sleep.bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        byte[] ioctl = s.message(Smb2Command.IOCTL, fsctlBody(fid, FSP_ASYNC_SLEEP, new byte[] {(byte) 200}, 0));
        byte[] next = switch (then) {
            case "close" -> s.message(Smb2Command.CLOSE, RawSession.body(24).putShort((short) 24).putShort((short) 0)
                    .putInt(0).put(fid).array());
            case "tdis" -> s.message(Smb2Command.TREE_DISCONNECT, RawSession.body(4).putShort((short) 4).array());
            case "logoff" -> s.message(Smb2Command.LOGOFF, RawSession.body(4).putShort((short) 4).array());
            default -> throw new IllegalArgumentException("asyncSleep:" + then + " (expected: close, tdis, logoff)");
        };
        long ioctlId = ByteBuffer.wrap(ioctl).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
        long start = System.nanoTime();
        s.sendFrame(ioctl);
        s.sendFrame(next);
        StringBuilder out = new StringBuilder();
        String first = null;
        for (int finals = 0; finals < 2;) {
            Message r = s.read();
            if (r.interim()) {
                continue;
            }
            finals++;
            String who = r.messageId() == ioctlId ? "ioctl" : then;
            first = first == null ? who : first;
            out.append(who).append('=').append(hex(r.status())).append(' ').append(who).append("Ms=")
                    .append((System.nanoTime() - start) / 1_000_000).append(' ');
        }
        return out + "first=" + first + " alive=" + (then.equals("logoff") || s.echo());
    }

    /** The input lengths the test-only FSCTLs accept, and where PADDING8 puts its output. */
    private static String smbtortureInputs(RawSession s) throws IOException {
        byte[] fid = s.create("inputs.bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        byte[] allOnes = new byte[16];
        java.util.Arrays.fill(allOnes, (byte) 0xFF);
        Message sleepNoInput = s.call(Smb2Command.IOCTL, fsctlBody(fid, FSP_ASYNC_SLEEP, new byte[0], 0));
        Message sleepTwoBytes = s.call(Smb2Command.IOCTL, fsctlBody(fid, FSP_ASYNC_SLEEP, new byte[2], 0));
        Message paddingInput = s.call(Smb2Command.IOCTL, fsctlBody(allOnes, IOCTL_RESPONSE_BODY_PADDING8, new byte[1],
                1));
        // MaxOutputResponse 128 KiB with the CreditCharge it needs: more than SmbtortureFsctl's 64 KiB cap
        byte[] big = s.template(Smb2Command.IOCTL, fsctlBody(allOnes, IOCTL_RESPONSE_BODY_PADDING8, new byte[0],
                128 * 1024));
        s.assignMessageId(big, 0, 2);
        s.sendFrame(big);
        Message padding = s.await(ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).getLong(24));
        ByteBuffer p = padding.le();
        s.closeFile(fid);
        return "sleepNoInput=" + hex(sleepNoInput.status()) + " sleepTwoBytes=" + hex(sleepTwoBytes.status())
                + " paddingInput=" + hex(paddingInput.status()) + " padding=" + hex(padding.status())
                + " outputOffset=" + p.getInt(64 + 32) + " outputCount=" + p.getInt(64 + 36)
                + " firstByte=" + p.get(p.getInt(64 + 32)) + " alive=" + s.echo();
    }

    /** An IOCTL body with SMB2_0_IOCTL_IS_FSCTL carrying {@code input}. */
    private static byte[] fsctlBody(byte[] fid, int ctlCode, byte[] input, int maxOut) {
        return RawSession.body(56 + Math.max(input.length, 1)).putShort((short) 57).putShort((short) 0).putInt(ctlCode)
                .put(fid).putInt(input.length == 0 ? 0 : 64 + 56).putInt(input.length).putInt(0).putInt(0).putInt(0)
                .putInt(maxOut).putInt(1).putInt(0).put(input).array();
    }

    /** Opens {@code n} files and prints the statuses; then closes one and opens again. */
    private static String openFiles(RawSession s, int n) throws IOException {
        List<byte[]> open = new ArrayList<>();
        int ok = 0;
        int last = 0;
        for (int i = 0; i < n; i++) {
            Message m = s.call(Smb2Command.CREATE, RawSession.createBody("many-" + i, GENERIC_ALL, FILE_OPEN_IF, 0));
            last = m.status();
            if (last == NtStatus.SUCCESS) {
                ok++;
                open.add(java.util.Arrays.copyOfRange(m.bytes(), 128, 144));
            }
        }
        s.closeFile(open.remove(0));
        Message again = s.call(Smb2Command.CREATE, RawSession.createBody("many-again", GENERIC_ALL, FILE_OPEN_IF, 0));
        return "opened=" + ok + " last=" + hex(last) + " afterClose=" + hex(again.status());
    }

    /**
     * {@code n} CHANGE_NOTIFYs on one directory handle, then CLOSE: counts the interim (pending) answers, the
     * refusals, and the NOTIFY_CLEANUP completions the close brings.
     */
    private static String notifies(RawSession s, int n) throws IOException {
        s.ok(s.call(Smb2Command.CREATE, RawSession.createBody("watched", GENERIC_ALL, 2, FILE_DIRECTORY_FILE)),
                "mkdir watched");
        byte[] dir = s.create("watched", FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE);
        int pending = 0;
        int refused = 0;
        long firstPending = -1;
        for (int i = 0; i < n; i++) {
            byte[] m = s.message(Smb2Command.CHANGE_NOTIFY, RawSession.body(32).putShort((short) 32).putShort((short) 0)
                    .putInt(4096).put(dir).putInt(0x17).putInt(0).array());
            s.sendFrame(m);
            Message r = s.read();
            if (r.interim()) {
                pending++;
                firstPending = firstPending < 0 ? r.messageId() : firstPending;
            } else if (r.status() != NtStatus.SUCCESS) {
                refused++;
            }
        }
        // CANCEL (sync form: the MessageId of the request it cancels, no credit) completes that one only
        byte[] cancel = s.template(Smb2Command.CANCEL, RawSession.body(4).putShort((short) 4).array());
        ByteBuffer.wrap(cancel).order(ByteOrder.LITTLE_ENDIAN).putLong(24, firstPending).putShort(6, (short) 0);
        s.sendFrame(cancel);
        Message c = s.read();
        boolean cancelled = c.messageId() == firstPending && c.status() == 0xC0000120;
        pending -= cancelled ? 1 : 0;
        byte[] close = s.message(Smb2Command.CLOSE, RawSession.body(24).putShort((short) 24).putShort((short) 0)
                .putInt(0).put(dir).array());
        long closeId = ByteBuffer.wrap(close).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
        s.sendFrame(close);
        int cleanup = 0;
        boolean closed = false;
        while (!closed || cleanup < pending) {
            Message r;
            try {
                r = s.read();
            } catch (java.net.SocketTimeoutException e) {
                break; // some notifies were never completed
            }
            if (r.status() == NtStatus.NOTIFY_CLEANUP) {
                cleanup++;
            } else if (r.messageId() == closeId) {
                closed = true;
            }
        }
        return "pending=" + pending + " refused=" + refused + " cancelled=" + cancelled + " cleanup=" + cleanup + " alive="
                + s.echo();
    }

    /**
     * {@code n} blocking LOCKs of a range another handle holds, all on one handle, then CLOSE of that handle:
     * counts the interim answers, the refusals and the RANGE_NOT_LOCKED completions the close brings.
     */
    private static String pendingLocks(RawSession s, int n) throws IOException {
        byte[] holder = s.create("held.bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        s.ok(s.call(Smb2Command.LOCK, lockBody(holder, 0x12)), "LOCK by the holder");
        byte[] waiter = s.create("held.bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        int pending = 0;
        int refused = 0;
        for (int i = 0; i < n; i++) {
            s.sendFrame(s.message(Smb2Command.LOCK, lockBody(waiter, 0x2)));
            Message r = s.read();
            if (r.interim()) {
                pending++;
            } else {
                refused++;
            }
        }
        byte[] close = s.message(Smb2Command.CLOSE, RawSession.body(24).putShort((short) 24).putShort((short) 0)
                .putInt(0).put(waiter).array());
        long closeId = ByteBuffer.wrap(close).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
        s.sendFrame(close);
        int notLocked = 0;
        boolean closed = false;
        while (!closed || notLocked < pending) {
            Message r;
            try {
                r = s.read();
            } catch (java.net.SocketTimeoutException e) {
                break; // some locks were never completed
            }
            if (r.status() == 0xC000007E) {
                notLocked++;
            } else if (r.messageId() == closeId) {
                closed = true;
            }
        }
        s.closeFile(holder);
        return "pending=" + pending + " refused=" + refused + " completed=" + notLocked + " alive=" + s.echo();
    }

    private static byte[] lockBody(byte[] fid, int flags) {
        return RawSession.body(48).putShort((short) 48).putShort((short) 1).putInt(0).put(fid).putLong(0).putLong(10)
                .putInt(flags).putInt(0).array();
    }

    /**
     * Fills one file with byte-range locks, 1024 per LOCK request, until the server refuses: prints how many
     * were granted, the slowest request and the refusal's status.
     */
    private static String lockFill(RawSession s) throws IOException {
        byte[] fid = s.create("lockfill.bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        int granted = 0;
        long slowest = 0;
        int status = 0;
        for (int req = 0; req < 40 && status == 0; req++) {
            ByteBuffer b = RawSession.body(24 + 24 * 1024).putShort((short) 48).putShort((short) 1024).putInt(0).put(fid);
            for (int i = 0; i < 1024; i++) {
                b.putLong((granted + i) * 2L).putLong(1).putInt(0x12).putInt(0);
            }
            long t0 = System.nanoTime();
            status = s.call(Smb2Command.LOCK, b.array()).status();
            slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
            if (status == 0) {
                granted += 1024;
            }
        }
        s.closeFile(fid);
        return "granted=" + granted + " refusal=" + hex(status) + " slowestMs=" + slowest + " alive=" + s.echo();
    }

    /** One LOCK request with {@code n} non-overlapping exclusive FAIL_IMMEDIATELY elements. */
    private static String lockElements(RawSession s, int n) throws IOException {
        byte[] fid = s.create("locks-" + n + ".bin", GENERIC_ALL, FILE_OPEN_IF, 0);
        ByteBuffer b = RawSession.body(24 + 24 * n).putShort((short) 48).putShort((short) n).putInt(0).put(fid);
        for (int i = 0; i < n; i++) {
            b.putLong(i * 2L).putLong(1).putInt(0x12).putInt(0);
        }
        long t0 = System.nanoTime();
        Message m = s.call(Smb2Command.LOCK, b.array());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        s.closeFile(fid);
        return "status=" + hex(m.status()) + " ms=" + ms + " alive=" + s.echo();
    }

    /** {@code n} ECHOs compounded in one frame, each with its own MessageId. */
    private static String echoChain(RawSession s, int n) throws IOException {
        byte[][] parts = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] m = RawSession.concat(s.message(Smb2Command.ECHO, RawSession.body(4).putShort((short) 4).array()),
                    new byte[4]);
            if (i < n - 1) {
                ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(20, m.length);
            }
            parts[i] = m;
        }
        s.sendFrame(RawSession.concat(parts));
        int answered = 0;
        int frames = 0;
        boolean aligned = true;
        boolean closed = false;
        try {
            while (answered < n) {
                byte[] frame = s.read().bytes();
                frames++;
                aligned &= chainAligned(frame);
                answered += countMessages(frame);
            }
        } catch (EOFException e) {
            closed = true;
        } catch (java.net.SocketTimeoutException e) {
            // fewer answers than requests: reported as counted
        }
        return "answered=" + answered + " frames=" + frames + " aligned=" + aligned
                + " closed=" + (closed || (answered < n && s.closedByServer()));
    }

    private static int countMessages(byte[] frame) {
        int count = 0;
        int at = 0;
        while (at + 64 <= frame.length) {
            count++;
            int next = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getInt(at + 20);
            if (next <= 0) {
                break;
            }
            at += next;
        }
        return count;
    }

    /**
     * [MS-SMB2] 3.3.4.1.3: every message of a compound response starts 8-byte aligned: each NextCommand is a
     * multiple of 8 that stays inside the frame.
     */
    private static boolean chainAligned(byte[] frame) {
        int at = 0;
        while (at + 64 <= frame.length) {
            int next = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getInt(at + 20);
            if (next == 0) {
                return true;
            }
            if (next % 8 != 0 || next < 64 || at + next > frame.length) {
                return false;
            }
            at += next;
        }
        return at == frame.length;
    }

    /** {@code n} ECHOs with a wrong StructureSize, each in its own frame: n refused requests. */
    private static String badEchoes(RawSession s, int n) throws IOException {
        int refused = 0;
        for (int i = 0; i < n; i++) {
            Message r = s.call(Smb2Command.ECHO, RawSession.body(4).putShort((short) 7).array());
            if (r.status() == NtStatus.INVALID_PARAMETER) {
                refused++;
            }
        }
        return "refused=" + refused + " alive=" + s.echo();
    }

    /**
     * A fresh connection whose raw-NTLMSSP AUTHENTICATE_MESSAGE has an NtChallengeResponse at offset 0x7FFFFFF0
     * (offset plus length overflows a 32-bit int).
     */
    private static String ntlmOffsetOverflow(InetSocketAddress server) throws IOException {
        try (RawSession c = RawSession.connect(server, TIMEOUT_MS)) {
            c.ok(c.call(Smb2Command.NEGOTIATE, RawSession.negotiateBody(Smb2Dialect.SMB2_10)), "NEGOTIATE");
            ByteBuffer neg = RawSession.body(40).put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(1)
                    .putInt(0x62088215).putShort((short) 0).putShort((short) 0).putInt(40).putShort((short) 0)
                    .putShort((short) 0).putInt(40).putLong(0);
            Message first = c.call(Smb2Command.SESSION_SETUP, RawSession.sessionSetupBody(neg.array(), false));
            if (first.status() != NtStatus.MORE_PROCESSING_REQUIRED) {
                return "round1=" + hex(first.status());
            }
            ByteBuffer auth = RawSession.body(88 + 16).put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(3);
            auth.putShort((short) 0).putShort((short) 0).putInt(88); // LmChallengeResponse
            auth.putShort((short) 100).putShort((short) 100).putInt(0x7FFFFFF0); // NtChallengeResponse
            for (int i = 0; i < 4; i++) {
                auth.putShort((short) 0).putShort((short) 0).putInt(88); // domain, user, workstation, session key
            }
            auth.putInt(0x62088215).putLong(0).put(new byte[16]).put(new byte[16]);
            byte[] msg = c.message(Smb2Command.SESSION_SETUP, RawSession.sessionSetupBody(auth.array(), false));
            ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN).putLong(40, first.le().getLong(40));
            c.sendFrame(msg);
            Message second = c.await(ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN).getLong(24));
            return "status=" + hex(second.status()) + " alive=" + c.echo();
        }
    }

    /** CREATE's fixed part (2.2.13) with the name right after it and the given contexts. */
    private static byte[] createFixed(int nameLength, int ctxOffset, int ctxLength) {
        return RawSession.body(56).putShort((short) 57).put((byte) 0).put((byte) 0).putInt(2).putLong(0).putLong(0)
                .putInt(GENERIC_ALL).putInt(0x80).putInt(7).putInt(FILE_OPEN_IF).putInt(0)
                .putShort((short) (64 + 56)).putShort((short) nameLength).putInt(ctxOffset).putInt(ctxLength).array();
    }

    private static byte[] pad(byte[] b, int size) {
        return java.util.Arrays.copyOf(b, size);
    }
}
