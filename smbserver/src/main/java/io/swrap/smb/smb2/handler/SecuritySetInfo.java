package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.swrap.smb.security.AccessCheck;
import io.swrap.smb.security.InvalidSecurityDescriptorException;
import io.swrap.smb.security.SecurityDescriptor;
import io.swrap.smb.security.StoredAcl;
import io.swrap.smb.security.Token;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.Vfs;
import java.io.IOException;

/**
 * SET_INFO of SMB2_0_INFO_SECURITY ([MS-SMB2] 3.3.5.21.3, [MS-FSA] 2.1.5.16): the parts AdditionalInformation
 * names replace the stored descriptor's. Owner and group need WRITE_OWNER, the DACL WRITE_DAC, the SACL
 * ACCESS_SYSTEM_SECURITY (never granted); the owner can only become the user itself (Samba, without privileges:
 * INVALID_OWNER).
 */
final class SecuritySetInfo {
    private static final int FILE_NOTIFY_CHANGE_SECURITY = 0x100;

    private SecuritySetInfo() {
    }

    /** Checks on the loop; reads, merges and writes the stored descriptor on the I/O pool. */
    static Reply set(RequestContext rc, Open open, int info, ByteBuf buffer) throws Smb2Exception, IOException {
        int need = 0;
        if ((info & (SecurityDescriptor.OWNER_SECURITY_INFORMATION | SecurityDescriptor.GROUP_SECURITY_INFORMATION)) != 0) {
            need |= AccessCheck.WRITE_OWNER;
        }
        if ((info & SecurityDescriptor.DACL_SECURITY_INFORMATION) != 0) {
            need |= AccessCheck.WRITE_DAC;
        }
        if ((info & SecurityDescriptor.SACL_SECURITY_INFORMATION) != 0) {
            need |= 0x01000000; // ACCESS_SYSTEM_SECURITY
        }
        if ((open.access() & need) != need) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "setting security information 0x"
                    + Integer.toHexString(info) + " needs access 0x" + Integer.toHexString(need) + "; the handle has 0x"
                    + Integer.toHexString(open.access()));
        }
        if (buffer.readableBytes() > SecurityDescriptor.MAX_SIZE) {
            throw new Smb2Exception(NtStatus.INVALID_SECURITY_DESCR, "a security descriptor of "
                    + buffer.readableBytes() + " bytes (at most " + SecurityDescriptor.MAX_SIZE + ")");
        }
        SecurityDescriptor given;
        try {
            given = SecurityDescriptor.parse(ByteBufUtil.getBytes(buffer)).genericMapped();
        } catch (InvalidSecurityDescriptorException e) {
            throw new Smb2Exception(NtStatus.INVALID_SECURITY_DESCR, "SET_INFO security: " + e.getMessage());
        }
        Token token = SecurityAccess.token(rc);
        if ((info & SecurityDescriptor.OWNER_SECURITY_INFORMATION) != 0 && given.owner() != null
                && !token.sids().contains(given.owner())) {
            throw new Smb2Exception(NtStatus.INVALID_OWNER, "owner " + given.owner() + " is not " + token.user());
        }
        Vfs.Handle file = open.handle();
        return SetInfoHandler.changed(rc, open, () -> {
            SecurityDescriptor sd = StoredAcl.of(file).merge(given, info);
            if (!StoredAcl.write(file, sd)) {
                throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "the share's file system keeps no user extended"
                        + " attributes: security descriptors cannot be stored");
            }
        }, FILE_NOTIFY_CHANGE_SECURITY);
    }
}
