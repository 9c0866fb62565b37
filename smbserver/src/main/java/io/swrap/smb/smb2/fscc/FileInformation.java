package io.swrap.smb.smb2.fscc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.vfs.FileInfo;
import io.swrap.smb.vfs.NamedStreams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * File information classes of [MS-FSCC] 2.4 answered by QUERY_INFO (InfoType SMB2_0_INFO_FILE):
 * Basic (4), Standard (5), Internal (6), Ea (7), Access (8), Position (14), Mode (16), Alignment (17),
 * All (18), AlternateName (21: no 8.3 names are generated, so the long name), Compression (28),
 * NetworkOpen (34), AttributeTag (35), NormalizedName (48); FullEa (15) is answered by QueryInfoHandler, Stream
 * (22) by {@link #streams} with the file's named streams.
 */
public final class FileInformation {
    public static final int BASIC = 4;
    public static final int STANDARD = 5;
    public static final int INTERNAL = 6;
    public static final int EA = 7;
    public static final int ACCESS = 8;
    public static final int RENAME = 10;
    public static final int DISPOSITION = 13;
    public static final int POSITION = 14;
    public static final int MODE = 16;
    public static final int ALIGNMENT = 17;
    public static final int ALL = 18;
    public static final int ALLOCATION = 19;
    public static final int END_OF_FILE = 20;
    public static final int ALTERNATE_NAME = 21;
    public static final int STREAM = 22;
    public static final int COMPRESSION = 28;
    public static final int NETWORK_OPEN = 34;
    public static final int ATTRIBUTE_TAG = 35;
    public static final int FULL_EA = 15;
    public static final int NORMALIZED_NAME = 48;

    /** Per-handle values the file itself does not carry. */
    public record Handle(String name, int access, long position, boolean deletePending) {
    }

    private FileInformation() {
    }

    public static InfoBuffer encode(ByteBufAllocator alloc, int infoClass, FileInfo f, Handle h) throws Smb2Exception {
        ByteBuf b = alloc.buffer();
        int fixed = -1; // -1: the whole result is fixed-size
        switch (infoClass) {
            case BASIC -> basic(b, f);
            case STANDARD -> standard(b, f, h);
            case INTERNAL -> b.writeLongLE(f.fileId());
            case EA -> b.writeIntLE(f.eaSize());
            case ACCESS -> b.writeIntLE(h.access());
            case POSITION -> b.writeLongLE(h.position());
            case MODE, ALIGNMENT -> b.writeIntLE(0);
            case ALL -> {
                basic(b, f);
                standard(b, f, h);
                b.writeLongLE(f.fileId());
                b.writeIntLE(f.eaSize());
                b.writeIntLE(h.access());
                b.writeLongLE(h.position());
                b.writeIntLE(0); // Mode
                b.writeIntLE(0); // AlignmentRequirement
                byte[] n = ("\\" + h.name()).getBytes(StandardCharsets.UTF_16LE);
                b.writeIntLE(n.length);
                b.writeBytes(n);
                fixed = 104; // sizeof(FILE_ALL_INFORMATION) with its 1-WCHAR name, as Windows counts it
            }
            case COMPRESSION -> {
                b.writeLongLE(f.endOfFile()); // CompressedFileSize: the file size when not compressed
                b.writeShortLE(0); // COMPRESSION_FORMAT_NONE
                b.writeZero(6);
            }
            case NETWORK_OPEN -> {
                times(b, f);
                b.writeLongLE(f.allocationSize());
                b.writeLongLE(f.endOfFile());
                b.writeIntLE(f.attributes());
                b.writeIntLE(0);
            }
            case ATTRIBUTE_TAG -> {
                b.writeIntLE(f.attributes());
                b.writeIntLE(0); // ReparseTag
            }
            case NORMALIZED_NAME -> {
                byte[] n = h.name().getBytes(StandardCharsets.UTF_16LE);
                b.writeIntLE(n.length);
                b.writeBytes(n);
                fixed = 8;
            }
            case ALTERNATE_NAME -> {
                byte[] n = h.name().substring(h.name().lastIndexOf('\\') + 1).getBytes(StandardCharsets.UTF_16LE);
                b.writeIntLE(n.length);
                b.writeBytes(n);
                fixed = 8;
            }
            default -> {
                b.release();
                throw new Smb2Exception(NtStatus.INVALID_INFO_CLASS, "file information class " + infoClass
                        + " is not supported");
            }
        }
        return new InfoBuffer(b, fixed < 0 ? b.readableBytes() : fixed);
    }

    /**
     * FileStreamInformation ([MS-FSCC] 2.4.49) of a file with the named streams {@code streams}: "::$DATA" first
     * (not for a directory), then ":NAME:$DATA" each, entries 8-byte aligned.
     */
    public static InfoBuffer streams(ByteBufAllocator alloc, FileInfo f, List<NamedStreams.Stream> streams) {
        List<NamedStreams.Stream> all = new ArrayList<>();
        if (!f.directory()) {
            all.add(new NamedStreams.Stream("", f.endOfFile()));
        }
        all.addAll(streams);
        ByteBuf b = alloc.buffer();
        for (int i = 0; i < all.size(); i++) {
            NamedStreams.Stream s = all.get(i);
            byte[] n = (":" + s.name() + ":$DATA").getBytes(StandardCharsets.UTF_16LE);
            int start = b.writerIndex();
            int size = 24 + n.length;
            int padded = (size + 7) & ~7;
            b.writeIntLE(i == all.size() - 1 ? 0 : padded);
            b.writeIntLE(n.length);
            b.writeLongLE(s.size());
            b.writeLongLE(s.name().isEmpty() ? f.allocationSize()
                    : (s.size() + FileInfo.CLUSTER - 1) / FileInfo.CLUSTER * FileInfo.CLUSTER);
            b.writeBytes(n);
            if (i < all.size() - 1) {
                b.writeZero(start + padded - b.writerIndex());
            }
        }
        return new InfoBuffer(b, all.isEmpty() ? 0 : 32);
    }

    private static void times(ByteBuf b, FileInfo f) {
        b.writeLongLE(f.creationTime());
        b.writeLongLE(f.lastAccessTime());
        b.writeLongLE(f.lastWriteTime());
        b.writeLongLE(f.changeTime());
    }

    private static void basic(ByteBuf b, FileInfo f) {
        times(b, f);
        b.writeIntLE(f.attributes());
        b.writeIntLE(0);
    }

    private static void standard(ByteBuf b, FileInfo f, Handle h) {
        b.writeLongLE(f.allocationSize());
        b.writeLongLE(f.endOfFile());
        b.writeIntLE(f.links());
        b.writeByte(h.deletePending() ? 1 : 0);
        b.writeByte(f.directory() ? 1 : 0);
        b.writeShortLE(0);
    }
}
