package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.smb2.codec.Smb2IoctlRequest;
import io.swrap.smb.smb2.codec.Smb2IoctlResponse;
import io.swrap.smb.state.AsyncRequest;
import io.swrap.smb.state.Open;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Samba's test-only control codes (FSCTL_SMBTORTURE, libcli/smb/smb_constants.h), with which smbtorture makes a
 * server show a behaviour on demand. Served only with {@code smbd:FSCTL_SMBTORTURE = yes} in [global], as in
 * Samba; otherwise (the default) they are refused with STATUS_INVALID_DEVICE_REQUEST, Samba's answer then.
 */
final class SmbtortureFsctl {
    /** From now on every break sent on this connection counts as never taken in (a "blocked" channel). */
    static final int FORCE_UNACKED_TIMEOUT = 0x83848003;
    /** This response's output starts 8 zero bytes after the IOCTL body, filled with 8s (smb2.ioctl.bug14607). */
    static final int IOCTL_RESPONSE_BODY_PADDING8 = 0x83848013;
    /** Pad this connection's READ responses by 8 bytes from now on (smb2.read.bug14607). */
    static final int GLOBAL_READ_RESPONSE_BODY_PADDING8 = 0x83848023;
    /** Answer after the 1-byte input's milliseconds; a CLOSE of the handle meanwhile waits (smb2.ioctl.bug14769). */
    static final int FSP_ASYNC_SLEEP = 0x83848043;
    /** Bytes of 8s IOCTL_RESPONSE_BODY_PADDING8 answers at most, whatever MaxOutputResponse allows. */
    static final int MAX_PADDING8_OUTPUT = 64 * 1024;
    /** The longest FSP_ASYNC_SLEEP: its input is one byte of milliseconds, so a CLOSE waits at most this long. */
    static final int MAX_ASYNC_SLEEP_MS = 255;

    private SmbtortureFsctl() {
    }

    /** Whether {@code ctlCode} is one of the test-only codes served here. */
    static boolean handles(int ctlCode) {
        return ctlCode == FORCE_UNACKED_TIMEOUT || ctlCode == IOCTL_RESPONSE_BODY_PADDING8
                || ctlCode == GLOBAL_READ_RESPONSE_BODY_PADDING8 || ctlCode == FSP_ASYNC_SLEEP;
    }

    /** Whether {@code ctlCode} takes no file handle (FileId all ones, as Samba requires of these). */
    static boolean takesNoHandle(int ctlCode) {
        return ctlCode == FORCE_UNACKED_TIMEOUT || ctlCode == IOCTL_RESPONSE_BODY_PADDING8
                || ctlCode == GLOBAL_READ_RESPONSE_BODY_PADDING8;
    }

    static Reply handle(RequestContext rc, Smb2IoctlRequest req) throws Smb2Exception {
        String name = name(req.ctlCode());
        if (!rc.conn.server().config().oplocking().fsctlSmbtorture()) {
            throw new Smb2Exception(NtStatus.INVALID_DEVICE_REQUEST, name + " needs 'smbd:FSCTL_SMBTORTURE = yes'"
                    + " in [global]");
        }
        int inputLength = req.input().readableBytes();
        int expected = req.ctlCode() == FSP_ASYNC_SLEEP ? 1 : 0;
        if (inputLength != expected) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, name + " input of " + inputLength + " bytes (expected: "
                    + expected + ")");
        }
        switch (req.ctlCode()) {
            case FORCE_UNACKED_TIMEOUT -> rc.conn.ack().forceUnacked();
            case GLOBAL_READ_RESPONSE_BODY_PADDING8 -> rc.conn.readResponsePadding(8);
            case IOCTL_RESPONSE_BODY_PADDING8 -> {
                return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(),
                        padding8Output(req.maxOutputResponse()), 8));
            }
            default -> {
                return asyncSleep(rc, req, rc.open(req.fileId()), sleepMillis(req.input().getUnsignedByte(
                        req.input().readerIndex())));
            }
        }
        return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), new byte[0]));
    }

    /** IOCTL_RESPONSE_BODY_PADDING8's output: MaxOutputResponse bytes of 8 (up to {@link #MAX_PADDING8_OUTPUT}). */
    static byte[] padding8Output(int maxOutputResponse) {
        byte[] out = new byte[(int) Math.min(Integer.toUnsignedLong(maxOutputResponse), MAX_PADDING8_OUTPUT)];
        Arrays.fill(out, (byte) 8);
        return out;
    }

    /** FSP_ASYNC_SLEEP's wait for its input byte: that many milliseconds, at most {@link #MAX_ASYNC_SLEEP_MS}. */
    static int sleepMillis(int inputByte) {
        return Math.min(inputByte & 0xFF, MAX_ASYNC_SLEEP_MS);
    }

    /**
     * Goes asynchronous ([MS-SMB2] 3.3.4.2) and answers SUCCESS after {@code millis} on the connection's loop (a
     * timer: the loop never blocks). Meanwhile the request holds its handle: a CLOSE of it waits for the answer
     * (Samba bug 14769: the CLOSE must not overtake the IOCTL), a tree disconnect, logoff or lost connection
     * closing the handle ends it with STATUS_FILE_CLOSED, and a CANCEL with STATUS_CANCELLED.
     */
    private static Reply asyncSleep(RequestContext rc, Smb2IoctlRequest req, Open open, int millis) {
        Smb2FileId fileId = req.fileId();
        int ctlCode = req.ctlCode();
        AsyncRequest[] a = new AsyncRequest[1];
        ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
        a[0] = new AsyncRequest(rc.conn, rc.request.messageId(), () -> {
            timer[0].cancel(false);
            open.release(a[0]);
        });
        open.hold(a[0]);
        timer[0] = rc.conn.channel().eventLoop().schedule(() -> {
            // answered first (a no-op once canceled), then released: a CLOSE waiting for the handle answers after
            a[0].complete(NtStatus.SUCCESS, new Smb2IoctlResponse(ctlCode, fileId, new byte[0]));
            open.release(a[0]);
        }, millis, TimeUnit.MILLISECONDS);
        return Reply.pending(a[0]);
    }

    private static String name(int ctlCode) {
        return switch (ctlCode) {
            case FORCE_UNACKED_TIMEOUT -> "FSCTL_SMBTORTURE_FORCE_UNACKED_TIMEOUT";
            case IOCTL_RESPONSE_BODY_PADDING8 -> "FSCTL_SMBTORTURE_IOCTL_RESPONSE_BODY_PADDING8";
            case GLOBAL_READ_RESPONSE_BODY_PADDING8 -> "FSCTL_SMBTORTURE_GLOBAL_READ_RESPONSE_BODY_PADDING8";
            case FSP_ASYNC_SLEEP -> "FSCTL_SMBTORTURE_FSP_ASYNC_SLEEP";
            default -> String.format("FSCTL_SMBTORTURE 0x%08x", ctlCode);
        };
    }
}
