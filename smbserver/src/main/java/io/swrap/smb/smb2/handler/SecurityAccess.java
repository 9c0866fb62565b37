package io.swrap.smb.smb2.handler;

import io.swrap.smb.rpc.RpcServer;
import io.swrap.smb.security.AccessCheck;
import io.swrap.smb.security.InvalidSecurityDescriptorException;
import io.swrap.smb.security.SecurityDescriptor;
import io.swrap.smb.security.StoredAcl;
import io.swrap.smb.security.Token;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateContext;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.vfs.Vfs;
import java.io.IOException;
import java.util.Map;

/**
 * The NT ACL side of CREATE ([MS-FSA] 2.1.5.1, as Samba with acl_xattr): an existing object is opened only with
 * what its descriptor grants the session's user (DELETE also through the parent's FILE_DELETE_CHILD), a new one
 * only where the parent grants FILE_ADD_FILE / FILE_ADD_SUBDIRECTORY, and gets the descriptor of the SecD create
 * context or what it inherits.
 */
final class SecurityAccess {
    /** [MS-SMB2] 2.2.13.2: the SMB2_CREATE_SD_BUFFER create context. */
    static final String SD_BUFFER = "SecD";
    private static final int FILE_ADD_FILE = 0x2;
    private static final int FILE_ADD_SUBDIRECTORY = 0x4;
    private static final int FILE_DELETE_CHILD = 0x40;
    private static final int ACCESS_SYSTEM_SECURITY = 0x01000000;

    private SecurityAccess() {
    }

    /** The session's token: its smbpasswd user's SID in the server's domain. */
    static Token token(RequestContext rc) throws Smb2Exception, IOException {
        Token t = rc.session.token();
        if (t == null) {
            if (rc.session.user().isEmpty()) {
                throw new Smb2Exception(NtStatus.ACCESS_DENIED, "session 0x" + Long.toHexString(rc.session.id())
                        + " re-authenticated as anonymous: re-authenticate as a user to open files");
            }
            RpcServer rpc = rc.conn.server().rpc();
            Integer uid = null;
            for (Map.Entry<String, Integer> e : rpc.users().entrySet()) {
                if (e.getKey().equalsIgnoreCase(rc.session.user())) {
                    uid = e.getValue();
                }
            }
            if (uid == null) {
                throw new Smb2Exception(NtStatus.ACCESS_DENIED, "user '" + rc.session.user()
                        + "' is no longer in the smbpasswd file");
            }
            t = Token.of(rpc.domainSid(), RpcServer.rid(uid));
            rc.session.token(t);
        }
        return t;
    }

    /**
     * The access of an open of the existing {@code h} (its parent {@code parentRel}, null for the share's root):
     * MAXIMUM_ALLOWED becomes what the descriptor grants within {@code shareMaximal}; anything asked and not
     * granted is ACCESS_DENIED.
     */
    static int checkExisting(RequestContext rc, Smb2CreateRequest req, Vfs vfs, Vfs.Handle h, String parentRel,
            int access, int shareMaximal) throws Smb2Exception, IOException {
        if ((req.desiredAccess() & ACCESS_SYSTEM_SECURITY) != 0) {
            // the SACL needs SeSecurityPrivilege, which no session holds (Samba: PRIVILEGE_NOT_HELD)
            throw new Smb2Exception(NtStatus.PRIVILEGE_NOT_HELD, "'" + req.name() + "': ACCESS_SYSTEM_SECURITY");
        }
        Token token = token(rc);
        int granted = AccessCheck.maximal(StoredAcl.of(h), token);
        if ((req.desiredAccess() & AccessMask.MAXIMUM_ALLOWED) != 0) {
            if ((granted & AccessMask.DELETE) == 0 && parentRel != null
                    && parentGrants(vfs, parentRel, token, FILE_DELETE_CHILD)) {
                granted |= AccessMask.DELETE;
            }
            access = AccessMask.map(req.desiredAccess() & ~AccessMask.MAXIMUM_ALLOWED, 0) | granted & shareMaximal;
        }
        int disp = req.createDisposition();
        boolean truncates = disp == Smb2CreateRequest.FILE_SUPERSEDE || disp == Smb2CreateRequest.FILE_OVERWRITE
                || disp == Smb2CreateRequest.FILE_OVERWRITE_IF;
        // truncating writes the file whatever the handle asks for (Samba checks FILE_WRITE_DATA for O_TRUNC)
        int missing = (access | (truncates && !h.stat().isDirectory() ? AccessMask.FILE_WRITE_DATA : 0)) & ~granted;
        if ((missing & AccessMask.DELETE) != 0 && parentRel != null && parentGrants(vfs, parentRel, token,
                FILE_DELETE_CHILD)) {
            missing &= ~AccessMask.DELETE;
        }
        if (missing != 0) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "'" + req.name() + "': access 0x"
                    + Integer.toHexString(access) + " asked, its ACL grants " + token.user() + " 0x"
                    + Integer.toHexString(granted));
        }
        return access;
    }

    /** What MxAc answers for the open object {@code h}: what its descriptor grants, within the share's. */
    static int maximal(RequestContext rc, Vfs.Handle h, int shareMaximal) throws Smb2Exception, IOException {
        return AccessCheck.maximal(StoredAcl.of(h), token(rc)) & shareMaximal;
    }

    private static boolean parentGrants(Vfs vfs, String parentRel, Token token, int right) throws Smb2Exception, IOException {
        try (Vfs.Handle p = vfs.open(parentRel)) {
            return (AccessCheck.maximal(StoredAcl.of(p), token) & right) == right;
        }
    }

    /**
     * Checks that a new object may be made in {@code parentRel} and returns its descriptor: the SecD create
     * context's (owner and group defaulting to the user's) or what it inherits from the parent.
     */
    static SecurityDescriptor checkCreate(RequestContext rc, Smb2CreateRequest req, Vfs vfs, String parentRel,
            boolean directory) throws Smb2Exception, IOException {
        Token token = token(rc);
        SecurityDescriptor parent;
        try (Vfs.Handle p = vfs.open(parentRel)) {
            parent = StoredAcl.of(p);
        }
        int need = directory ? FILE_ADD_SUBDIRECTORY : FILE_ADD_FILE;
        if ((AccessCheck.maximal(parent, token) & need) != need) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "'" + req.name() + "': the directory's ACL does not grant "
                    + token.user() + (directory ? " FILE_ADD_SUBDIRECTORY" : " FILE_ADD_FILE"));
        }
        SecurityDescriptor inherited = StoredAcl.forNew(parent, token, directory);
        Smb2CreateContext sd = req.context(SD_BUFFER);
        if (sd == null) {
            return inherited;
        }
        SecurityDescriptor given;
        try {
            given = SecurityDescriptor.parse(sd.data()).genericMapped();
        } catch (InvalidSecurityDescriptorException e) {
            throw new Smb2Exception(NtStatus.INVALID_SECURITY_DESCR, "'" + req.name() + "': SecD create context: "
                    + e.getMessage());
        }
        int parts = SecurityDescriptor.OWNER_SECURITY_INFORMATION | SecurityDescriptor.GROUP_SECURITY_INFORMATION
                | (given.dacl() != null || (given.control() & SecurityDescriptor.SE_DACL_PRESENT) != 0
                        ? SecurityDescriptor.DACL_SECURITY_INFORMATION : 0);
        return inherited.merge(given, parts);
    }
}
