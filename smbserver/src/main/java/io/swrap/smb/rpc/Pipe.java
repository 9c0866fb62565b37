package io.swrap.smb.rpc;

import io.swrap.smb.rpc.ndr.NdrException;
import io.swrap.smb.rpc.ndr.NdrReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One open of a named pipe on IPC$ and the DCE/RPC association on it ([C706] 12, [MS-RPCE] 3.3.1): the
 * bytes the client writes are cut into PDUs by frag_length, a fragmented REQUEST is reassembled up to
 * {@link #MAX_REQUEST_STUB}, and every answer is queued as whole PDUs (message mode: a READ or a
 * transceive returns at most one PDU, the rest of a longer one with STATUS_BUFFER_OVERFLOW). Everything a
 * peer sends that does not decode is answered with a BIND_NAK or a FAULT and logged in one line (through the
 * connection's rate-limited log); nothing
 * here throws at the peer. Used by one event loop at a time (the tree's client's).
 */
public final class Pipe {
    /** The largest fragment this server sends or accepts (Samba's dcesrv default). */
    public static final int MAX_FRAG = 5840;
    /** The smallest max_xmit/max_recv_frag negotiated, whatever the client offers (as Samba). */
    public static final int MIN_FRAG = 2048;
    /** The largest request stub reassembled from fragments; a longer call is answered with a FAULT. */
    public static final int MAX_REQUEST_STUB = 1 << 20;
    /** Answers queued and not yet read; a client writing more without reading gets its WRITE refused. */
    public static final int MAX_PENDING_OUTPUT = 1 << 20;
    /** Presentation contexts one association may bind. */
    public static final int MAX_CONTEXTS = 16;
    /** Feature bits of [MS-RPCE] 3.3.1.5.3 this server acknowledges: security context multiplexing, keep on orphan. */
    static final int SUPPORTED_FEATURES = 0x0003;

    private final String name;
    private final String endpoint;
    private final RpcService service;
    private final int assocGroup;
    private final Consumer<Supplier<String>> log;
    private final ByteArrayOutputStream input = new ByteArrayOutputStream();
    private final ArrayDeque<byte[]> output = new ArrayDeque<>();
    private int outputBytes;
    private boolean bound;
    private int fragSize = MIN_FRAG;
    private final Set<Integer> contexts = new HashSet<>();
    // the fragmented request being reassembled
    private ByteArrayOutputStream request;
    private int requestCallId;
    private int requestContext;
    private int requestOpnum;
    /** A call whose first fragments were refused: its remaining fragments are dropped without an answer. */
    private Integer skippedCallId;

    /**
     * @param name the pipe's name as clients open it ("lsarpc")
     * @param endpoint the pipe the service listens on, the BIND_ACK's secondary address ("lsass" for lsarpc, as
     *     Samba and Windows answer)
     * @param assocGroup the association group id answered to a BIND that asks for a new one
     * @param log where the one line per refused PDU or faulted call goes (the connection's rate-limited log)
     */
    public Pipe(String name, String endpoint, RpcService service, int assocGroup, Consumer<Supplier<String>> log) {
        this.log = log;
        this.name = name;
        this.endpoint = endpoint;
        this.service = service;
        this.assocGroup = assocGroup;
    }

    public String name() {
        return name;
    }

    /** Whether a WRITE may add more: answers already queued stay under {@link #MAX_PENDING_OUTPUT}. */
    public boolean acceptsWrite() {
        return outputBytes < MAX_PENDING_OUTPUT;
    }

    /**
     * Takes bytes the client wrote and answers every PDU completed by them, until {@link #MAX_PENDING_OUTPUT}
     * bytes of answers wait: the rest stays buffered (at most one WRITE, as {@link #acceptsWrite} refuses more)
     * and is answered as reads drain the answers.
     */
    public void write(byte[] data) {
        input.write(data, 0, data.length);
        pump();
    }

    private void pump() {
        byte[] buf = input.toByteArray();
        int off = 0;
        while (buf.length - off >= Pdu.HEADER && outputBytes < MAX_PENDING_OUTPUT) {
            byte[] head = Arrays.copyOfRange(buf, off, off + Pdu.HEADER);
            String bad = Pdu.Header.checkVersion(head);
            Pdu.Header h = Pdu.Header.read(head);
            if (bad != null || h.fragLength() < Pdu.HEADER) {
                // without a trustworthy frag_length the stream cannot be cut again: drop what is buffered
                refuse(h, bad != null ? bad : "frag_length " + h.fragLength() + " is below the 16-byte header",
                        bad != null && !bad.startsWith("data") ? Pdu.NAK_PROTOCOL_VERSION_NOT_SUPPORTED
                                : Pdu.NAK_REASON_NOT_SPECIFIED);
                off = buf.length;
                break;
            }
            if (buf.length - off < h.fragLength()) {
                break;
            }
            handle(h, Arrays.copyOfRange(buf, off, off + h.fragLength()));
            off += h.fragLength();
        }
        input.reset();
        input.write(buf, off, buf.length - off);
    }

    /** What a READ or a transceive of at most {@code max} bytes returns: the next PDU, or its first part. */
    public record Chunk(byte[] data, boolean more) {
    }

    /** @return null when no answer is waiting */
    public Chunk read(int max) {
        byte[] head = output.peekFirst();
        if (head == null) {
            return null;
        }
        if (head.length <= max) {
            output.removeFirst();
            outputBytes -= head.length;
            // refilled at half the limit, so that the buffered input is copied once per half MiB of answers
            if (input.size() >= Pdu.HEADER && outputBytes <= MAX_PENDING_OUTPUT / 2) {
                pump();
            }
            return new Chunk(head, false);
        }
        output.removeFirst();
        output.addFirst(Arrays.copyOfRange(head, max, head.length));
        outputBytes -= max;
        return new Chunk(Arrays.copyOf(head, max), true);
    }

    private void send(byte[] pdu) {
        output.addLast(pdu);
        outputBytes += pdu.length;
    }

    private void refuse(Pdu.Header h, String why, int nakReason) {
        log.accept(() -> "pipe " + name + ": " + Pdu.typeName(h.type()) + " call " + h.callId() + " refused: " + why);
        if (h.type() == Pdu.BIND || h.type() == Pdu.ALTER_CONTEXT) {
            send(Pdu.bindNak(h.callId(), nakReason));
        } else {
            send(Pdu.fault(h.callId(), 0, RpcFault.PROTO_ERROR, true));
        }
    }

    private void handle(Pdu.Header h, byte[] pdu) {
        switch (h.type()) {
            case Pdu.BIND, Pdu.ALTER_CONTEXT -> bind(h, pdu);
            case Pdu.REQUEST -> request(h, pdu);
            case Pdu.AUTH3, Pdu.CO_CANCEL, Pdu.ORPHANED, Pdu.SHUTDOWN -> {
                // calls run to completion before the next PDU is read: there is nothing to cancel
            }
            default -> refuse(h, "unexpected PDU type " + h.type(), Pdu.NAK_REASON_NOT_SPECIFIED);
        }
    }

    private void bind(Pdu.Header h, byte[] pdu) {
        boolean alter = h.type() == Pdu.ALTER_CONTEXT;
        if (!alter && bound) {
            refuse(h, "a second BIND on one association (expected: ALTER_CONTEXT)", Pdu.NAK_REASON_NOT_SPECIFIED);
            return;
        }
        if (alter && !bound) {
            refuse(h, "ALTER_CONTEXT before BIND", Pdu.NAK_REASON_NOT_SPECIFIED);
            return;
        }
        if (h.authLength() != 0) {
            refuse(h, "authentication (auth_length " + h.authLength() + ") is not supported on pipes",
                    Pdu.NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED);
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(pdu).order(ByteOrder.LITTLE_ENDIAN);
        List<Pdu.Result> results = new ArrayList<>();
        int maxXmit;
        int maxRecv;
        int group;
        try {
            b.position(Pdu.HEADER);
            maxXmit = b.getShort() & 0xFFFF;
            maxRecv = b.getShort() & 0xFFFF;
            group = b.getInt();
            int n = b.get() & 0xFF;
            b.position(b.position() + 3);
            if (n == 0) {
                refuse(h, "no presentation context", Pdu.NAK_REASON_NOT_SPECIFIED);
                return;
            }
            for (int i = 0; i < n; i++) {
                int ctxId = b.getShort() & 0xFFFF;
                int nts = b.get() & 0xFF;
                b.get();
                SyntaxId abs = syntax(b);
                List<SyntaxId> ts = new ArrayList<>();
                for (int j = 0; j < nts; j++) {
                    ts.add(syntax(b));
                }
                results.add(context(ctxId, abs, ts));
            }
        } catch (java.nio.BufferUnderflowException e) {
            refuse(h, "the context list runs past frag_length " + h.fragLength(), Pdu.NAK_REASON_NOT_SPECIFIED);
            return;
        }
        if (!alter) {
            fragSize = Math.min(Math.max(Math.min(maxXmit, maxRecv), MIN_FRAG), MAX_FRAG);
            bound = true;
        }
        send(Pdu.bindAck(alter ? Pdu.ALTER_CONTEXT_RESP : Pdu.BIND_ACK, h.callId(), fragSize, fragSize,
                group != 0 ? group : assocGroup, alter ? "" : "\\pipe\\" + endpoint, results));
    }

    private static SyntaxId syntax(ByteBuffer b) {
        byte[] uuid = new byte[16];
        b.get(uuid);
        return new SyntaxId(uuid, b.getInt());
    }

    /** The result for one presentation context ([C706] 12.6.3.1, [MS-RPCE] 3.3.1.5.3). */
    private Pdu.Result context(int ctxId, SyntaxId abs, List<SyntaxId> transfer) {
        for (SyntaxId t : transfer) {
            int features = t.bindTimeFeatures();
            if (features >= 0) {
                return new Pdu.Result(Pdu.NEGOTIATE_ACK, features & SUPPORTED_FEATURES, SyntaxId.NULL);
            }
        }
        if (!abs.equals(service.syntax())) {
            return new Pdu.Result(Pdu.PROVIDER_REJECTION, Pdu.REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED, SyntaxId.NULL);
        }
        if (!transfer.contains(SyntaxId.NDR) || (!contexts.contains(ctxId) && contexts.size() >= MAX_CONTEXTS)) {
            // NDR64 and anything else: this server marshals NDR 2.0 only
            return new Pdu.Result(Pdu.PROVIDER_REJECTION, Pdu.REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED, SyntaxId.NULL);
        }
        contexts.add(ctxId);
        return new Pdu.Result(Pdu.ACCEPTANCE, 0, SyntaxId.NDR);
    }

    private void request(Pdu.Header h, byte[] pdu) {
        int headerEnd = 24 + ((h.flags() & Pdu.PFC_OBJECT_UUID) != 0 ? 16 : 0);
        if (!bound || h.authLength() != 0 || pdu.length < headerEnd) {
            request = null;
            refuse(h, !bound ? "REQUEST before BIND" : h.authLength() != 0
                    ? "authentication (auth_length " + h.authLength() + ") is not supported on pipes"
                    : "REQUEST of " + pdu.length + " bytes", 0);
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(pdu).order(ByteOrder.LITTLE_ENDIAN);
        long allocHint = b.getInt(16) & 0xFFFFFFFFL;
        int ctxId = b.getShort(20) & 0xFFFF;
        int opnum = b.getShort(22) & 0xFFFF;
        boolean first = (h.flags() & Pdu.PFC_FIRST_FRAG) != 0;
        boolean last = (h.flags() & Pdu.PFC_LAST_FRAG) != 0;
        if (!first && skippedCallId != null && skippedCallId == h.callId()) {
            if (last) {
                skippedCallId = null;
            }
            return;
        }
        if (first) {
            skippedCallId = null;
            if (request != null) {
                request = null;
                refuse(h, "a new call while call " + requestCallId + " is still being reassembled", 0);
                return;
            }
            if (allocHint > MAX_REQUEST_STUB) {
                skip(h, last, "alloc_hint " + allocHint + " is over the " + MAX_REQUEST_STUB + "-byte request limit");
                return;
            }
            request = new ByteArrayOutputStream();
            requestCallId = h.callId();
            requestContext = ctxId;
            requestOpnum = opnum;
        } else if (request == null || requestCallId != h.callId()) {
            request = null;
            refuse(h, "a middle or last fragment without its first one", 0);
            return;
        }
        int stubLen = pdu.length - headerEnd;
        if (request.size() + stubLen > MAX_REQUEST_STUB) {
            request = null;
            skip(h, last, "the reassembled request is over the " + MAX_REQUEST_STUB + "-byte limit");
            return;
        }
        request.write(pdu, headerEnd, stubLen);
        if (last) {
            byte[] stub = request.toByteArray();
            request = null;
            call(h.callId(), requestContext, requestOpnum, stub);
        }
    }

    private void skip(Pdu.Header h, boolean last, String why) {
        if (!last) {
            skippedCallId = h.callId();
        }
        refuse(h, why, 0);
    }

    private void call(int callId, int ctxId, int opnum, byte[] stub) {
        if (!contexts.contains(ctxId)) {
            log.accept(() -> "pipe " + name + ": call " + callId + " on unbound context " + ctxId);
            send(Pdu.fault(callId, ctxId, RpcFault.UNKNOWN_IF, true));
            return;
        }
        byte[] out;
        try {
            out = service.call(opnum, new NdrReader(stub));
        } catch (RpcFault f) {
            log.accept(() -> "pipe " + name + ": call " + callId + " opnum " + opnum + " faulted 0x"
                    + Integer.toHexString(f.status()) + ": " + f.getMessage());
            send(Pdu.fault(callId, ctxId, f.status(), true));
            return;
        } catch (NdrException e) {
            log.accept(() -> "pipe " + name + ": call " + callId + " opnum " + opnum + ": bad stub: " + e.getMessage());
            send(Pdu.fault(callId, ctxId, RpcFault.FAULT_NDR, true));
            return;
        }
        // each fragment's stub a multiple of 8 bytes, so that NDR alignment holds across fragments
        int chunk = (fragSize - 24) & ~7;
        int off = 0;
        do {
            int len = Math.min(chunk, out.length - off);
            int flags = (off == 0 ? Pdu.PFC_FIRST_FRAG : 0) | (off + len == out.length ? Pdu.PFC_LAST_FRAG : 0);
            send(Pdu.response(flags, callId, out.length - off, ctxId, out, off, len));
            off += len;
        } while (off < out.length);
    }
}
