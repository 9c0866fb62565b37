package io.swrap.smb.rpc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Connection-oriented DCE/RPC PDUs ([C706] 12.6, [MS-RPCE] 2.2.2): the 16-byte common header, and the
 * encoders of what this server sends (BIND_ACK, ALTER_CONTEXT_RESP, BIND_NAK, RESPONSE, FAULT). Data
 * representation is always little endian, ASCII, IEEE (drep 10 00 00 00).
 */
public final class Pdu {
    public static final int HEADER = 16;
    public static final int REQUEST = 0;
    public static final int RESPONSE = 2;
    public static final int FAULT = 3;
    public static final int BIND = 11;
    public static final int BIND_ACK = 12;
    public static final int BIND_NAK = 13;
    public static final int ALTER_CONTEXT = 14;
    public static final int ALTER_CONTEXT_RESP = 15;
    public static final int AUTH3 = 16;
    public static final int SHUTDOWN = 17;
    public static final int CO_CANCEL = 18;
    public static final int ORPHANED = 19;

    public static final int PFC_FIRST_FRAG = 0x01;
    public static final int PFC_LAST_FRAG = 0x02;
    public static final int PFC_DID_NOT_EXECUTE = 0x20;
    public static final int PFC_OBJECT_UUID = 0x80;

    /** p_cont_def_result_t. */
    public static final int ACCEPTANCE = 0;
    public static final int PROVIDER_REJECTION = 2;
    /** [MS-RPCE] 2.2.2.4: the answer to a bind time feature negotiation context. */
    public static final int NEGOTIATE_ACK = 3;
    /** p_provider_reason_t. */
    public static final int REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED = 1;
    public static final int REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED = 2;
    /** p_reject_reason_t of BIND_NAK. */
    public static final int NAK_REASON_NOT_SPECIFIED = 0;
    public static final int NAK_PROTOCOL_VERSION_NOT_SUPPORTED = 4;
    public static final int NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED = 8;

    private Pdu() {
    }

    /** The common header fields of a received PDU. */
    public record Header(int type, int flags, int fragLength, int authLength, int callId) {
        /** @param b at least {@link #HEADER} bytes */
        public static Header read(byte[] b) {
            ByteBuffer h = ByteBuffer.wrap(b, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN);
            return new Header(b[2] & 0xFF, b[3] & 0xFF, h.getShort(8) & 0xFFFF, h.getShort(10) & 0xFFFF, h.getInt(12));
        }

        /** rpc_vers 5, rpc_vers_minor 0 or 1 ([MS-RPCE] 2.2.2.1), little-endian integers. */
        public static String checkVersion(byte[] b) {
            if (b[0] != 5 || (b[1] != 0 && b[1] != 1)) {
                return "rpc_vers " + b[0] + "." + b[1] + " (expected: 5.0 or 5.1)";
            }
            if ((b[4] & 0xF0) != 0x10) {
                return "data representation 0x" + Integer.toHexString(b[4] & 0xFF)
                        + " (expected: 0x10, little endian; big-endian peers are not supported)";
            }
            return null;
        }
    }

    /** The PDU type's name in [C706] for log lines. */
    public static String typeName(int type) {
        return switch (type) {
            case REQUEST -> "REQUEST";
            case BIND -> "BIND";
            case ALTER_CONTEXT -> "ALTER_CONTEXT";
            case AUTH3 -> "AUTH3";
            default -> "PDU type " + type;
        };
    }

    /** A header for a PDU of {@code body} bytes after it; fills frag_length. */
    static ByteBuffer start(int type, int flags, int callId, int bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + bodyLength).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 5).put((byte) 0).put((byte) type).put((byte) flags);
        b.put((byte) 0x10).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putShort((short) (HEADER + bodyLength)).putShort((short) 0).putInt(callId);
        return b;
    }

    /** One entry of a BIND_ACK's p_result_list. */
    public record Result(int result, int reason, SyntaxId transferSyntax) {
    }

    /**
     * BIND_ACK or ALTER_CONTEXT_RESP: max_xmit_frag, max_recv_frag, assoc_group_id, sec_addr (port_any_t,
     * NUL included, empty in ALTER_CONTEXT_RESP), padding to 4, then the results.
     */
    static byte[] bindAck(int type, int callId, int maxXmit, int maxRecv, int assocGroup, String secAddr,
            java.util.List<Result> results) {
        byte[] addr = secAddr.isEmpty() ? new byte[0]
                : (secAddr + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int afterAddr = HEADER + 8 + 2 + addr.length;
        int pad = (4 - afterAddr % 4) % 4;
        int body = 8 + 2 + addr.length + pad + 4 + results.size() * (4 + SyntaxId.SIZE);
        ByteBuffer b = start(type, PFC_FIRST_FRAG | PFC_LAST_FRAG, callId, body);
        b.putShort((short) maxXmit).putShort((short) maxRecv).putInt(assocGroup);
        b.putShort((short) addr.length).put(addr).put(new byte[pad]);
        b.put((byte) results.size()).put((byte) 0).putShort((short) 0);
        for (Result r : results) {
            b.putShort((short) r.result()).putShort((short) r.reason());
            b.put(r.transferSyntax().uuid()).putInt(r.transferSyntax().version());
        }
        return b.array();
    }

    /** BIND_NAK: provider_reject_reason, then the one protocol version supported (5.0). */
    static byte[] bindNak(int callId, int reason) {
        ByteBuffer b = start(BIND_NAK, PFC_FIRST_FRAG | PFC_LAST_FRAG, callId, 2 + 1 + 2);
        b.putShort((short) reason).put((byte) 1).put((byte) 5).put((byte) 0);
        return b.array();
    }

    /** RESPONSE: alloc_hint, p_cont_id, cancel_count, reserved, stub fragment. */
    static byte[] response(int flags, int callId, int allocHint, int contextId, byte[] stub, int off, int len) {
        ByteBuffer b = start(RESPONSE, flags, callId, 8 + len);
        b.putInt(allocHint).putShort((short) contextId).put((byte) 0).put((byte) 0).put(stub, off, len);
        return b.array();
    }

    /** FAULT: alloc_hint 0, p_cont_id, cancel_count, reserved, status, reserved (4). */
    static byte[] fault(int callId, int contextId, int status, boolean didNotExecute) {
        int flags = PFC_FIRST_FRAG | PFC_LAST_FRAG | (didNotExecute ? PFC_DID_NOT_EXECUTE : 0);
        ByteBuffer b = start(FAULT, flags, callId, 16);
        b.putInt(0).putShort((short) contextId).put((byte) 0).put((byte) 0).putInt(status).putInt(0);
        return b.array();
    }
}
