package io.swrap.smbclient;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2FileId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * [MS-SMB2] 3.2.1.6 Per Application Open of a File: READ and WRITE split into requests of at most the
 * session's max read/write size (multi-credit, 3.2.4.1.5), with up to {@link ClientConfig#maxInFlight()}
 * of them outstanding at once (at least two per live channel). The session spreads them over its channels and replays
 * those of a lost channel on the others; a chunk read or written twice gives the same result.
 */
public final class Open implements AutoCloseable {
    /** 2.2.19 / 2.2.21: Buffer follows the 48-byte fixed part. */
    private static final int IO_BUFFER_OFFSET = 64 + 48;

    private final Tree tree;
    private final String name;
    private final Smb2FileId fileId;
    private final long sizeAtOpen;
    private final int oplockLevel;
    private final int leaseState;
    private boolean closed;

    Open(Tree tree, String name, Smb2FileId fileId, long sizeAtOpen, int oplockLevel) {
        this(tree, name, fileId, sizeAtOpen, oplockLevel, 0);
    }

    Open(Tree tree, String name, Smb2FileId fileId, long sizeAtOpen, int oplockLevel, int leaseState) {
        this.tree = tree;
        this.name = name;
        this.fileId = fileId;
        this.sizeAtOpen = sizeAtOpen;
        this.oplockLevel = oplockLevel;
        this.leaseState = leaseState;
    }

    /** The LeaseState of the CREATE response's lease context (R 0x1, H 0x2, W 0x4); 0 without a lease. */
    public int leaseState() {
        return leaseState;
    }

    /** OplockLevel of the CREATE response (2.2.14): 0 unless an oplock was asked for and granted. */
    public int oplockLevel() {
        return oplockLevel;
    }

    /** The persistent half of the FileId, as an {@link OplockBreak} names it. */
    public long persistentFileId() {
        return fileId.persistent();
    }

    Smb2FileId fileId() {
        return fileId;
    }

    /** EndofFile of the CREATE response. */
    public long sizeAtOpen() {
        return sizeAtOpen;
    }

    private record Chunk(long offset, int length, Session.Pending pending) {
    }

    /**
     * Requests kept in flight: maxInFlight in all, at least two per live channel so that each always has the
     * next one queued. More than that only adds buffers to copy and collect on a small machine: with 8 per
     * channel, 4 channels on 2 cores ran at half the speed of 2 (scripts/bench-smb --channels).
     */
    private int window() {
        return Math.max(tree.session.connection.config.maxInFlight(), 2 * tree.session.liveChannelCount());
    }

    /** Writes all remaining bytes of {@code data} at {@code offset} (WRITE, 2.2.21). */
    public void write(long offset, ByteBuffer data) throws IOException {
        Session s = tree.session;
        int max = s.maxWrite();
        ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
        long pos = offset;
        while (data.hasRemaining() || !inFlight.isEmpty()) {
            while (data.hasRemaining() && inFlight.size() < window()) {
                int len = Math.min(max, data.remaining());
                Request req = tree.request(Smb2Command.WRITE).payload(len);
                ByteBuf b = req.body;
                b.writeShortLE(49); // StructureSize
                b.writeShortLE(IO_BUFFER_OFFSET); // DataOffset
                b.writeIntLE(len);
                b.writeLongLE(pos);
                fileId.write(b);
                b.writeIntLE(0); // Channel: SMB2_CHANNEL_NONE
                b.writeIntLE(0); // RemainingBytes
                b.writeShortLE(0).writeShortLE(0); // WriteChannelInfoOffset/Length
                b.writeIntLE(0); // Flags
                ByteBuffer slice = data.slice(data.position(), len);
                b.writeBytes(slice);
                data.position(data.position() + len);
                inFlight.add(new Chunk(pos, len, s.submit(req)));
                pos += len;
            }
            Chunk done = inFlight.remove();
            Response r = s.await(done.pending, "WRITE " + name + " at " + done.offset).ok("WRITE " + name);
            long count = r.message().getUnsignedIntLE(r.body(4));
            if (count != done.length) {
                throw new IOException("WRITE " + name + " at " + done.offset + ": server wrote " + count + " of "
                        + done.length + " bytes");
            }
        }
    }

    /**
     * Reads into {@code dst} from {@code offset} until it is full or the file ends (READ, 2.2.19); returns the
     * number of bytes read, -1 when {@code offset} is at or past the end.
     */
    public int read(long offset, ByteBuffer dst) throws IOException {
        Session s = tree.session;
        int max = s.maxRead();
        ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
        long next = offset;
        int wanted = dst.remaining();
        int total = 0;
        boolean eof = false;
        while ((!eof && next < offset + wanted) || !inFlight.isEmpty()) {
            while (!eof && next < offset + wanted && inFlight.size() < window()) {
                int len = (int) Math.min(max, offset + wanted - next);
                Request req = tree.request(Smb2Command.READ).payload(len);
                ByteBuf b = req.body;
                b.writeShortLE(49); // StructureSize
                b.writeByte(0x50); // Padding: the data offset Windows asks for (80 = header + 16)
                b.writeByte(0); // Flags
                b.writeIntLE(len);
                b.writeLongLE(next);
                fileId.write(b);
                b.writeIntLE(1); // MinimumCount: any data is a success
                b.writeIntLE(0); // Channel: SMB2_CHANNEL_NONE
                b.writeIntLE(0); // RemainingBytes
                b.writeShortLE(0).writeShortLE(0); // ReadChannelInfoOffset/Length
                b.writeByte(0); // Buffer: "MUST be at least one byte"
                inFlight.add(new Chunk(next, len, s.submit(req)));
                next += len;
            }
            Chunk done = inFlight.remove();
            Response r = s.await(done.pending, "READ " + name + " at " + done.offset)
                    .expect("READ " + name, NtStatus.SUCCESS, NtStatus.END_OF_FILE);
            int got = 0;
            if (r.status() == NtStatus.SUCCESS) {
                ByteBuf m = r.message();
                got = (int) m.getUnsignedIntLE(r.body(4));
                if (got > done.length) {
                    throw new IOException("READ " + name + " at " + done.offset + ": " + got + " bytes for "
                            + done.length + " asked");
                }
                if (eof && got > 0) {
                    throw new IOException("READ " + name + " at " + done.offset + ": data after a short read; the"
                            + " file grew while being read");
                }
                m.getBytes(m.readerIndex() + m.getUnsignedByte(r.body(2)),
                        dst.slice(dst.position() + (int) (done.offset - offset), got));
            }
            total += got;
            eof |= got < done.length; // a short read or END_OF_FILE ends the file for this call
        }
        dst.position(dst.position() + total);
        return total == 0 && wanted > 0 ? -1 : total;
    }

    /**
     * SET_INFO (2.2.39) FileRenameInformation ([MS-FSCC] 2.4.37.2): renames the open file or directory to
     * {@code newName} (share-relative); {@code replace} is ReplaceIfExists.
     */
    public void rename(String newName, boolean replace) throws IOException {
        byte[] n = newName.replace('/', '\\').getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        Request req = tree.request(Smb2Command.SET_INFO);
        ByteBuf b = req.body;
        b.writeShortLE(33); // StructureSize
        b.writeByte(1); // InfoType: SMB2_0_INFO_FILE
        b.writeByte(10); // FileInfoClass: FileRenameInformation
        b.writeIntLE(20 + n.length); // BufferLength
        b.writeShortLE(64 + 32); // BufferOffset: after the 32-byte fixed part
        b.writeShortLE(0); // Reserved
        b.writeIntLE(0); // AdditionalInformation
        fileId.write(b);
        b.writeByte(replace ? 1 : 0); // ReplaceIfExists
        b.writeZero(7); // Reserved
        b.writeLongLE(0); // RootDirectory
        b.writeIntLE(n.length);
        b.writeBytes(n);
        tree.session.call(req).ok("SET_INFO rename " + name + " to " + newName);
    }

    /**
     * QUERY_INFO (2.2.37) FileStandardInformation ([MS-FSCC] 2.4.47): the file's EndOfFile as the server sees it
     * now.
     */
    public long endOfFile() throws IOException {
        Request req = tree.request(Smb2Command.QUERY_INFO);
        ByteBuf b = req.body;
        b.writeShortLE(41); // StructureSize
        b.writeByte(1); // InfoType: SMB2_0_INFO_FILE
        b.writeByte(5); // FileInfoClass: FileStandardInformation
        b.writeIntLE(24); // OutputBufferLength: its fixed size
        b.writeShortLE(0); // InputBufferOffset
        b.writeShortLE(0); // Reserved
        b.writeIntLE(0); // InputBufferLength
        b.writeIntLE(0); // AdditionalInformation
        b.writeIntLE(0); // Flags
        fileId.write(b);
        b.writeByte(0); // Buffer: "MUST be at least one byte"
        Response r = tree.session.call(req).ok("QUERY_INFO FileStandardInformation of " + name);
        ByteBuf m = r.message();
        int length = (int) m.getUnsignedIntLE(r.body(4));
        if (length < 16) {
            throw new IOException("QUERY_INFO FileStandardInformation of " + name + ": " + length
                    + " bytes (expected: 24)");
        }
        // AllocationSize (8), then EndOfFile (8)
        return m.getLongLE(m.readerIndex() + m.getUnsignedShortLE(r.body(2)) + 8);
    }

    /** 2.2.26.1 SMB2_LOCK_ELEMENT Flags. */
    public static final int SHARED_LOCK = 0x1;
    public static final int EXCLUSIVE_LOCK = 0x2;
    public static final int UNLOCK = 0x4;
    public static final int FAIL_IMMEDIATELY = 0x10;

    /**
     * 3.2.4.19 LOCK of one range with the 2.2.26.1 {@code flags}, sent without waiting: the future completes
     * with the final status (a blocking lock's interim STATUS_PENDING is absorbed), and it can be canceled.
     * Not replayed on a lost channel.
     */
    public PendingLock lockAsync(long offset, long length, int flags) throws IOException {
        return new PendingLock(tree, tree.session.submit(lockRequest(offset, length, flags)));
    }

    /** {@link #lockAsync}, waiting for the final status up to the client's timeout. */
    public int lock(long offset, long length, int flags) throws IOException {
        return tree.session.await(tree.session.submit(lockRequest(offset, length, flags)), "LOCK " + name).status();
    }

    private Request lockRequest(long offset, long length, int flags) {
        Request req = tree.request(Smb2Command.LOCK);
        ByteBuf b = req.body;
        b.writeShortLE(48); // StructureSize
        b.writeShortLE(1); // LockCount
        b.writeIntLE(0); // LockSequenceNumber/Index
        fileId.write(b);
        b.writeLongLE(offset);
        b.writeLongLE(length);
        b.writeIntLE(flags);
        b.writeIntLE(0); // Reserved
        return req;
    }

    /** 3.2.4.5 CLOSE; idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Request req = tree.request(Smb2Command.CLOSE);
        ByteBuf b = req.body;
        b.writeShortLE(24); // StructureSize
        b.writeShortLE(0); // Flags: no post-query attributes
        b.writeIntLE(0); // Reserved
        fileId.write(b);
        tree.session.call(req).ok("CLOSE " + name);
    }
}
