package io.swrap.smb.rpc;

import io.swrap.smb.rpc.ndr.NdrException;
import io.swrap.smb.rpc.ndr.NdrReader;

/** One DCE/RPC interface served on a named pipe: its abstract syntax and its operations by opnum. */
public interface RpcService {
    SyntaxId syntax();

    /**
     * Runs operation {@code opnum} on the request stub and returns the response stub.
     *
     * @throws RpcFault for an opnum the interface does not have (nca_s_op_rng_error)
     * @throws NdrException for a stub that does not decode (the call faults with nca_s_fault_ndr)
     */
    byte[] call(int opnum, NdrReader in) throws RpcFault, NdrException;
}
