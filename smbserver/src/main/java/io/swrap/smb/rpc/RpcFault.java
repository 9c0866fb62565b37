package io.swrap.smb.rpc;

/** A call answered with a FAULT PDU carrying {@link #status} ([C706] appendix E, [MS-RPCE] 2.2.2.11). */
public final class RpcFault extends Exception {
    /** nca_s_op_rng_error: the opnum is not an operation of the interface. */
    public static final int OP_RNG_ERROR = 0x1C010002;
    /** nca_s_unk_if: the presentation context is not bound. */
    public static final int UNKNOWN_IF = 0x1C010003;
    /** nca_s_proto_error: a PDU that does not follow the protocol. */
    public static final int PROTO_ERROR = 0x1C01000B;
    /** nca_s_fault_ndr (RPC_X_BAD_STUB_DATA): the stub does not decode. */
    public static final int FAULT_NDR = 0x000006F7;

    private final int status;

    public RpcFault(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static RpcFault opnum(String service, int opnum) {
        return new RpcFault(OP_RNG_ERROR, service + " has no operation " + opnum);
    }
}
