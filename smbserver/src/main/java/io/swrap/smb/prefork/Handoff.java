package io.swrap.smb.prefork;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The message that goes with a passed connection, master to worker (big-endian): magic "SMBP", the peer's
 * address (length 4 or 16, bytes, port) as the master saw it, the ClientGuid it was routed by (flag, 16 bytes),
 * and the bytes the master read from the connection. The descriptor travels as SCM_RIGHTS with the message's
 * first byte; the worker answers one byte, {@link #ADOPTED} or {@link #REFUSED}, before the next message.
 */
record Handoff(InetSocketAddress remote, byte[] guid, byte[] replay) {
    static final int MAGIC = 0x534D_4250;
    static final int ADOPTED = 'A';
    static final int REFUSED = 'F';
    /** Bytes read before passing: at most a direct-TCP header and the largest pre-auth frame. */
    static final int MAX_REPLAY = 4 + 0x00FF_FFFF;

    byte[] encode() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 + replay.length);
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeInt(MAGIC);
            byte[] addr = remote.getAddress().getAddress();
            out.writeByte(addr.length);
            out.write(addr);
            out.writeShort(remote.getPort());
            out.writeBoolean(guid != null);
            if (guid != null) {
                out.write(guid);
            }
            out.writeInt(replay.length);
            out.write(replay);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return b.toByteArray();
    }

    /** The next message; EOF at its start is {@link java.io.EOFException}, as anywhere else. */
    static Handoff read(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("control message with magic 0x" + Integer.toHexString(magic) + " (expected: 0x"
                    + Integer.toHexString(MAGIC) + "): master and worker of different versions?");
        }
        int alen = in.readUnsignedByte();
        if (alen != 4 && alen != 16) {
            throw new IOException("control message with an address of " + alen + " bytes (expected: 4 or 16)");
        }
        byte[] addr = in.readNBytes(alen);
        int port = in.readUnsignedShort();
        byte[] guid = in.readBoolean() ? in.readNBytes(ClientGuidTable.GUID_BYTES) : null;
        int n = in.readInt();
        if (n < 0 || n > MAX_REPLAY) {
            throw new IOException("control message with " + n + " bytes to replay (expected: 0.." + MAX_REPLAY + ")");
        }
        byte[] replay = in.readNBytes(n);
        if (replay.length != n) {
            throw new java.io.EOFException("control message cut after " + replay.length + " of " + n + " bytes");
        }
        return new Handoff(new InetSocketAddress(InetAddress.getByAddress(addr), port), guid, replay);
    }
}
