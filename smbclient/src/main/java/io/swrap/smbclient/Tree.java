package io.swrap.smbclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2FileId;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** [MS-SMB2] 3.2.1.4 Per Tree Connect: a share of a session; opens files on it. */
public final class Tree {
    /** 2.2.10 ShareFlags: SMB2_SHAREFLAG_ENCRYPT_DATA. */
    private static final int SHAREFLAG_ENCRYPT_DATA = 0x00008000;
    private static final int FILE_SHARE_ALL = 0x7; // READ | WRITE | DELETE
    private static final int FILE_NON_DIRECTORY_FILE = 0x00000040;
    private static final int FILE_DIRECTORY_FILE = 0x00000001;
    private static final int FILE_OPEN = 1;
    /** DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE. */
    private static final int DIRECTORY_RENAME_ACCESS = 0x00110080;
    /** FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE. */
    private static final int FILE_LIST_DIRECTORY_ACCESS = 0x00100081;
    /** [MS-FSCC] 2.4 FileNamesInformation. */
    private static final int FILE_NAMES_INFORMATION = 0x0C;
    /** 2.2.33 Flags: SMB2_RESTART_SCANS. */
    private static final int RESTART_SCANS = 0x01;
    private static final int LIST_BUFFER = 64 * 1024;
    private static final int IMPERSONATION = 2;
    /** 2.2.13: the Buffer follows the 56-byte fixed part. */
    private static final int CREATE_NAME_OFFSET = 64 + 56;
    /** 2.2.13.2: a context's Data after its 16-byte header and a 4-character name padded to 8. */
    private static final int CONTEXT_DATA_OFFSET = 24;
    /** 2.2.13: RequestedOplockLevel SMB2_OPLOCK_LEVEL_LEASE. */
    private static final int OPLOCK_LEVEL_LEASE = 0xFF;
    /** 2.2.13.2: SMB2_CREATE_REQUEST_LEASE / _V2, and the response's lease context. */
    private static final String LEASE_CONTEXT = "RqLs";
    /** 2.2.31: the IOCTL Buffer follows the 56-byte fixed part. */
    private static final int IOCTL_INPUT_OFFSET = 64 + 56;
    private static final int IOCTL_IS_FSCTL = 0x00000001;
    private static final int FSCTL_VALIDATE_NEGOTIATE_INFO = 0x00140204;
    private static final int FSCTL_QUERY_NETWORK_INTERFACE_INFO = 0x001401FC;
    /** Room for the answer: 2.2.32.5 entries are 152 bytes, so about 430 interfaces. */
    private static final int INTERFACE_INFO_MAX_OUTPUT = 64 * 1024;
    private static final int AF_INET = 0x0002;
    private static final int AF_INET6 = 0x0017;
    /** 2.2.32.6: Capabilities (4), Guid (16), SecurityMode (2), Dialect (2). */
    private static final int VALIDATE_NEGOTIATE_RESPONSE_SIZE = 24;

    final Session session;
    private final int id;
    private final String share;
    /** TreeConnect.EncryptData (3.2.5.5): the share demands encryption. */
    private final boolean encryptData;

    Tree(Session session, int id, String share, int shareFlags) {
        this.session = session;
        this.id = id;
        this.share = share;
        this.encryptData = (shareFlags & SHAREFLAG_ENCRYPT_DATA) != 0;
    }

    Request request(int command) {
        return session.protect(new Request(command), encryptData).tree(id);
    }

    /**
     * 3.2.4.3 CREATE of a file (not a directory), {@code path} relative to the share with {@code \} or
     * {@code /} separators. No oplock, lease or create context is requested.
     */
    public Open open(String path, OpenMode mode) throws IOException {
        return create(path, mode.desiredAccess, mode.createDisposition, FILE_NON_DIRECTORY_FILE);
    }

    /**
     * 3.2.4.3 CREATE of an existing directory with DELETE access (to rename it), sharing read, write and delete.
     */
    public Open openDirectoryForRename(String path) throws IOException {
        return create(path, DIRECTORY_RENAME_ACCESS, FILE_OPEN, FILE_DIRECTORY_FILE);
    }

    /**
     * The names in directory {@code path} ("" for the share's root), {@code .} and {@code ..} included:
     * QUERY_DIRECTORY (2.2.33) with [MS-FSCC] FileNamesInformation until STATUS_NO_MORE_FILES.
     */
    public List<String> list(String path) throws IOException {
        List<String> names = new ArrayList<>();
        try (Open dir = create(path, FILE_LIST_DIRECTORY_ACCESS, FILE_OPEN, FILE_DIRECTORY_FILE)) {
            byte[] pattern = "*".getBytes(StandardCharsets.UTF_16LE);
            for (int flags = RESTART_SCANS; ; flags = 0) {
                Request req = request(Smb2Command.QUERY_DIRECTORY).payload(LIST_BUFFER);
                ByteBuf b = req.body;
                b.writeShortLE(33); // StructureSize
                b.writeByte(FILE_NAMES_INFORMATION);
                b.writeByte(flags);
                b.writeIntLE(0); // FileIndex
                dir.fileId().write(b);
                b.writeShortLE(64 + 32); // FileNameOffset: the Buffer after the 32-byte fixed part
                b.writeShortLE(pattern.length);
                b.writeIntLE(LIST_BUFFER); // OutputBufferLength
                b.writeBytes(pattern);
                Response r = session.call(req)
                        .expect("QUERY_DIRECTORY " + share + "\\" + path, NtStatus.SUCCESS, NtStatus.NO_MORE_FILES);
                if (r.status() == NtStatus.NO_MORE_FILES) {
                    return names;
                }
                ByteBuf m = r.message();
                int p = m.readerIndex() + m.getUnsignedShortLE(r.body(2));
                int end = p + m.getIntLE(r.body(4));
                while (true) {
                    // FILE_NAMES_INFORMATION: NextEntryOffset (4), FileIndex (4), FileNameLength (4), FileName
                    int next = m.getIntLE(p);
                    int len = m.getIntLE(p + 8);
                    if (p + 12 + len > end) {
                        throw new IOException("QUERY_DIRECTORY " + share + "\\" + path + ": entry at " + p
                                + " overruns the output buffer ending at " + end);
                    }
                    names.add(m.toString(p + 12, len, StandardCharsets.UTF_16LE));
                    if (next == 0) {
                        break;
                    }
                    p += next;
                }
            }
        }
    }

    /**
     * 3.2.4.3 CREATE without oplock, lease or create contexts, with the given DesiredAccess, CreateDisposition and
     * CreateOptions (2.2.13), sharing read, write and delete: for what {@link #open} does not ask (delete-on-close,
     * directories, the share's root).
     */
    public Open create(String path, int desiredAccess, int disposition, int options) throws IOException {
        return create(path, desiredAccess, FILE_SHARE_ALL, disposition, options);
    }

    /** As {@link #create(String, int, int, int)}, with the ShareAccess to ask for (2.2.13: READ 1, WRITE 2, DELETE 4). */
    public Open create(String path, int desiredAccess, int shareAccess, int disposition, int options)
            throws IOException {
        return create(path, desiredAccess, shareAccess, disposition, options, 0);
    }

    /**
     * As {@link #create(String, int, int, int, int)}, asking for RequestedOplockLevel {@code oplock} (2.2.13:
     * II 0x01, EXCLUSIVE 0x08, BATCH 0x09); {@link Open#oplockLevel()} is what the server granted, and its breaks
     * come through {@link Session#awaitOplockBreak}.
     */
    public Open create(String path, int desiredAccess, int shareAccess, int disposition, int options, int oplock)
            throws IOException {
        Response r = createWith(path, desiredAccess, shareAccess, disposition, options, oplock, null, null);
        ByteBuf m = r.message();
        return new Open(this, nameOf(path), Smb2FileId.read(m, r.body(64)),
                m.getLongLE(r.body(48)), m.getUnsignedByte(r.body(2)));
    }

    /** The name a CREATE sends for {@code path}: backslashes, no leading one. */
    private static String nameOf(String path) {
        String name = path.replace('/', '\\');
        while (name.startsWith("\\")) {
            name = name.substring(1); // 2.2.13: "MUST NOT begin with a '\'"
        }
        return name;
    }

    /** 3.2.4.3 CREATE with at most one create context ({@code contextName} null: none); the successful response. */
    private Response createWith(String path, int desiredAccess, int shareAccess, int disposition, int options,
            int oplock, String contextName, byte[] contextData) throws IOException {
        String name = nameOf(path);
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        Request req = request(Smb2Command.CREATE);
        ByteBuf b = req.body;
        // 2.2.13.2: the contexts start 8-byte aligned after the name
        int contextsOffset = contextName == null ? 0 : CREATE_NAME_OFFSET + ((Math.max(n.length, 1) + 7) & ~7);
        int contextsLength = contextName == null ? 0 : CONTEXT_DATA_OFFSET + contextData.length;
        b.writeShortLE(57); // StructureSize
        b.writeByte(0); // SecurityFlags
        b.writeByte(oplock); // RequestedOplockLevel
        b.writeIntLE(IMPERSONATION);
        b.writeLongLE(0); // SmbCreateFlags
        b.writeLongLE(0); // Reserved
        b.writeIntLE(desiredAccess);
        b.writeIntLE(0); // FileAttributes
        b.writeIntLE(shareAccess);
        b.writeIntLE(disposition);
        b.writeIntLE(options);
        b.writeShortLE(CREATE_NAME_OFFSET);
        b.writeShortLE(n.length);
        b.writeIntLE(contextsOffset); // CreateContextsOffset
        b.writeIntLE(contextsLength); // CreateContextsLength
        b.writeBytes(n);
        if (n.length == 0) {
            b.writeByte(0); // "the Buffer field MUST be at least one byte in length"
        }
        if (contextName != null) {
            b.writeZero(contextsOffset - CREATE_NAME_OFFSET - Math.max(n.length, 1));
            b.writeIntLE(0); // Next
            b.writeShortLE(16); // NameOffset
            b.writeShortLE(contextName.length()); // NameLength
            b.writeShortLE(0); // Reserved
            b.writeShortLE(CONTEXT_DATA_OFFSET); // DataOffset
            b.writeIntLE(contextData.length); // DataLength
            b.writeBytes(contextName.getBytes(StandardCharsets.US_ASCII));
            b.writeZero(CONTEXT_DATA_OFFSET - 16 - contextName.length());
            b.writeBytes(contextData);
        }
        return session.call(req).ok("CREATE " + share + "\\" + name);
    }

    /**
     * As {@link #create(String, int, int, int, int)}, asking for a lease (RequestedOplockLevel LEASE, 2.2.13.2.8
     * "RqLs": version 2 on 3.x dialects, version 1 on 2.1) with key {@code leaseKey} (16 bytes) and state
     * {@code leaseState} (R 0x1, H 0x2, W 0x4); {@link Open#leaseState()} is what the server granted, and its
     * breaks come through {@link Session#awaitLeaseBreak}.
     */
    public Open createLeased(String path, int desiredAccess, int shareAccess, int disposition, int options,
            byte[] leaseKey, int leaseState) throws IOException {
        if (leaseKey.length != 16) {
            throw new IllegalArgumentException("lease key of " + leaseKey.length + " bytes (expected: 16)");
        }
        boolean v2 = Smb2Dialect.isSmb3(session.connection.dialect());
        ByteBuf data = Unpooled.buffer();
        data.writeBytes(leaseKey);
        data.writeIntLE(leaseState);
        data.writeIntLE(0); // Flags: no parent lease key
        data.writeLongLE(0); // LeaseDuration
        if (v2) {
            data.writeZero(16); // ParentLeaseKey
            data.writeShortLE(0); // Epoch
            data.writeShortLE(0); // Reserved
        }
        Response r = createWith(path, desiredAccess, shareAccess, disposition, options, OPLOCK_LEVEL_LEASE,
                LEASE_CONTEXT, ByteBufUtil.getBytes(data));
        ByteBuf m = r.message();
        int granted = 0;
        int next = (int) m.getUnsignedIntLE(r.body(80)); // CreateContextsOffset, from the header
        long length = m.getUnsignedIntLE(r.body(84));
        while (length > 0 && next > 0 && next + 16 <= m.writerIndex()) {
            int nameOffset = m.getUnsignedShortLE(next + 4);
            int nameLength = m.getUnsignedShortLE(next + 6);
            int dataOffset = m.getUnsignedShortLE(next + 10);
            if (next + nameOffset + nameLength > m.writerIndex()) {
                throw new IOException("CREATE " + path + ": a create context's name runs past the response ("
                        + m.writerIndex() + " bytes)");
            }
            String name = m.toString(next + nameOffset, nameLength, StandardCharsets.US_ASCII);
            if (name.equals(LEASE_CONTEXT) && next + dataOffset + 20 <= m.writerIndex()) {
                granted = m.getIntLE(next + dataOffset + 16);
            }
            long step = m.getUnsignedIntLE(next);
            next = step == 0 ? 0 : next + (int) step;
        }
        return new Open(this, nameOf(path), Smb2FileId.read(m, r.body(64)), m.getLongLE(r.body(48)),
                m.getUnsignedByte(r.body(2)), granted);
    }

    /**
     * 3.2.4.7.2 Lease Break Acknowledgment (2.2.24.2): takes the broken lease {@code leaseKey} to {@code leaseState};
     * returns the server's status (SUCCESS, or e.g. UNSUCCESSFUL for a break no longer in progress).
     */
    public int acknowledgeLease(byte[] leaseKey, int leaseState) throws IOException {
        Request req = request(Smb2Command.OPLOCK_BREAK);
        ByteBuf b = req.body;
        b.writeShortLE(36); // StructureSize
        b.writeShortLE(0); // Reserved
        b.writeIntLE(0); // Flags
        b.writeBytes(leaseKey);
        b.writeIntLE(leaseState);
        b.writeLongLE(0); // LeaseDuration
        return session.call(req).header().status();
    }

    /**
     * 3.2.5.5: after a 3.0/3.0.2 TREE_CONNECT, FSCTL_VALIDATE_NEGOTIATE_INFO (2.2.31.4) proves, under the
     * session's key, that nobody changed the NEGOTIATE exchange; any mismatch closes the connection
     * (3.2.5.14.12).
     */
    void validateNegotiate() throws IOException {
        Connection c = session.connection;
        Negotiate.Offer offer = c.offer;
        Request req = request(Smb2Command.IOCTL);
        req.sign |= !req.encrypt; // 3.2.5.5: this request is signed even when the session does not require it
        ByteBuf b = req.body;
        int inputLength = 24 + 2 * offer.dialects().size();
        b.writeShortLE(57); // StructureSize
        b.writeShortLE(0); // Reserved
        b.writeIntLE(FSCTL_VALIDATE_NEGOTIATE_INFO);
        new Smb2FileId(-1, -1).write(b); // "MUST be set to { 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF }"
        b.writeIntLE(IOCTL_INPUT_OFFSET);
        b.writeIntLE(inputLength);
        b.writeIntLE(0); // MaxInputResponse
        b.writeIntLE(0); // OutputOffset
        b.writeIntLE(0); // OutputCount
        b.writeIntLE(VALIDATE_NEGOTIATE_RESPONSE_SIZE); // MaxOutputResponse
        b.writeIntLE(IOCTL_IS_FSCTL);
        b.writeIntLE(0); // Reserved2
        b.writeIntLE(offer.capabilities());
        b.writeBytes(offer.clientGuid());
        b.writeShortLE(offer.securityMode());
        b.writeShortLE(offer.dialects().size());
        offer.dialects().forEach(b::writeShortLE);
        Response r = session.call(req);
        String mismatch = validateNegotiateMismatch(r, c.negotiated);
        if (mismatch != null) {
            c.fail(new IOException("VALIDATE_NEGOTIATE_INFO with " + c.server + ": " + mismatch
                    + "; the NEGOTIATE exchange was tampered with, connection closed"));
            throw new IOException("VALIDATE_NEGOTIATE_INFO with " + c.server + ": " + mismatch);
        }
    }

    private static String validateNegotiateMismatch(Response r, Negotiate.Result n) {
        if (!r.header().isSigned() && !r.encrypted()) {
            return "response neither signed nor encrypted";
        }
        if (r.status() != NtStatus.SUCCESS) {
            return "status " + NtStatus.name(r.status());
        }
        ByteBuf m = r.message();
        if (m.getIntLE(r.body(36)) < VALIDATE_NEGOTIATE_RESPONSE_SIZE) {
            return "output of " + m.getIntLE(r.body(36)) + " bytes (expected: 24)";
        }
        int out = m.readerIndex() + m.getIntLE(r.body(32));
        if (m.getIntLE(out) != n.capabilities() || !Arrays.equals(r.bytesAt(out + 4, 16), n.serverGuid())
                || m.getUnsignedShortLE(out + 20) != n.securityMode() || m.getUnsignedShortLE(out + 22) != n.dialect()) {
            return String.format("server says capabilities 0x%x, security mode 0x%x, dialect %s; NEGOTIATE said"
                    + " 0x%x, 0x%x, %s (or another ServerGuid)", m.getIntLE(out), m.getUnsignedShortLE(out + 20),
                    Smb2Dialect.name(m.getUnsignedShortLE(out + 22)), n.capabilities(), n.securityMode(),
                    Smb2Dialect.name(n.dialect()));
        }
        return null;
    }

    /**
     * IOCTL FSCTL_QUERY_NETWORK_INTERFACE_INFO (2.2.31): the server's interfaces, from its 2.2.32.5
     * NETWORK_INTERFACE_INFO entries in the server's order — the addresses a multichannel client binds its
     * further channels on. Entries of another address family than IPv4/IPv6 are skipped.
     */
    public List<ServerInterface> networkInterfaces() throws IOException {
        Request req = request(Smb2Command.IOCTL).payload(INTERFACE_INFO_MAX_OUTPUT);
        ByteBuf b = req.body;
        b.writeShortLE(57); // StructureSize
        b.writeShortLE(0); // Reserved
        b.writeIntLE(FSCTL_QUERY_NETWORK_INTERFACE_INFO);
        new Smb2FileId(-1, -1).write(b); // no handle: all ones (3.3.5.15)
        b.writeIntLE(0); // InputOffset
        b.writeIntLE(0); // InputCount
        b.writeIntLE(0); // MaxInputResponse
        b.writeIntLE(0); // OutputOffset
        b.writeIntLE(0); // OutputCount
        b.writeIntLE(INTERFACE_INFO_MAX_OUTPUT); // MaxOutputResponse
        b.writeIntLE(IOCTL_IS_FSCTL);
        b.writeIntLE(0); // Reserved2
        Response r = session.call(req).ok("FSCTL_QUERY_NETWORK_INTERFACE_INFO on " + share);
        ByteBuf m = r.message();
        int start = m.readerIndex() + m.getIntLE(r.body(32));
        int count = m.getIntLE(r.body(36));
        List<ServerInterface> out = new ArrayList<>();
        for (int p = 0; count > 0; ) {
            if (p + 152 > count) {
                throw new IOException("NETWORK_INTERFACE_INFO entry at " + p + " overruns the " + count
                        + "-byte output (entries are 152 bytes)");
            }
            int e = start + p;
            int next = m.getIntLE(e);
            int family = m.getUnsignedShortLE(e + 24);
            byte[] addr = family == AF_INET ? r.bytesAt(e - m.readerIndex() + 28, 4)
                    : family == AF_INET6 ? r.bytesAt(e - m.readerIndex() + 32, 16) : null;
            if (addr != null) {
                out.add(new ServerInterface(m.getIntLE(e + 4), m.getIntLE(e + 8), m.getLongLE(e + 16),
                        InetAddress.getByAddress(addr)));
            }
            if (next == 0) {
                break;
            }
            p += next;
        }
        return out;
    }

    /** 3.2.4.22 TREE_DISCONNECT; the tree's opens should be closed first. */
    public void disconnect() throws IOException {
        Request req = request(Smb2Command.TREE_DISCONNECT);
        req.body.writeShortLE(4).writeShortLE(0); // StructureSize, Reserved
        session.call(req).ok("TREE_DISCONNECT " + share);
    }

    @Override
    public String toString() {
        return "Tree[" + share + " #" + id + (encryptData ? ", encrypted" : "") + "]";
    }
}
