package io.swrap.smb.state;

import io.swrap.smb.vfs.Share;

/** [MS-SMB2] 3.3.1.10 Per Tree Connect. */
public final class TreeConnect {
    private final int id;
    private final Session session;
    private final Share share;
    private final boolean encryptData;
    private final io.swrap.smb.rpc.PipeTable pipes = new io.swrap.smb.rpc.PipeTable();

    TreeConnect(int id, Session session, Share share, boolean encryptData) {
        this.id = id;
        this.session = session;
        this.share = share;
        this.encryptData = encryptData;
    }

    public int id() {
        return id;
    }

    public Session session() {
        return session;
    }

    public Share share() {
        return share;
    }

    /** TreeConnect.Share.EncryptData: requests on this tree must arrive encrypted. */
    public boolean encryptData() {
        return encryptData;
    }

    /** The named pipes open on this tree (IPC$ only). */
    public io.swrap.smb.rpc.PipeTable pipes() {
        return pipes;
    }

    /** The MaximalAccess granted: everything, or read/execute-only on a read-only share. */
    public int maximalAccess() {
        return share.config().readOnly() ? 0x001200A9 : 0x001F01FF;
    }
}
