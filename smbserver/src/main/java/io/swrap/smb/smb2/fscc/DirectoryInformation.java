package io.swrap.smb.smb2.fscc;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.vfs.FileInfo;
import java.nio.charset.StandardCharsets;

/**
 * Directory entries of [MS-FSCC] 2.4 for QUERY_DIRECTORY: each starts with NextEntryOffset (4) and
 * FileIndex (4) and is 8-byte aligned. Supported classes and their fixed sizes:
 * FileDirectoryInformation (1, 64), FileFullDirectoryInformation (2, 68), FileBothDirectoryInformation
 * (3, 94), FileNamesInformation (12, 12), FileIdBothDirectoryInformation (37, 104),
 * FileIdFullDirectoryInformation (38, 80).
 */
public final class DirectoryInformation {
    public static final int FILE_DIRECTORY_INFORMATION = 1;
    public static final int FILE_FULL_DIRECTORY_INFORMATION = 2;
    public static final int FILE_BOTH_DIRECTORY_INFORMATION = 3;
    public static final int FILE_NAMES_INFORMATION = 12;
    public static final int FILE_ID_BOTH_DIRECTORY_INFORMATION = 37;
    public static final int FILE_ID_FULL_DIRECTORY_INFORMATION = 38;

    private DirectoryInformation() {
    }

    public static boolean supported(int infoClass) {
        return fixedSize(infoClass) > 0;
    }

    private static int fixedSize(int infoClass) {
        return switch (infoClass) {
            case FILE_DIRECTORY_INFORMATION -> 64;
            case FILE_FULL_DIRECTORY_INFORMATION -> 68;
            case FILE_BOTH_DIRECTORY_INFORMATION -> 94;
            case FILE_NAMES_INFORMATION -> 12;
            case FILE_ID_BOTH_DIRECTORY_INFORMATION -> 104;
            case FILE_ID_FULL_DIRECTORY_INFORMATION -> 80;
            default -> 0;
        };
    }

    /** Bytes one entry takes, before alignment padding. */
    public static int size(int infoClass, String name) {
        return fixedSize(infoClass) + 2 * name.length();
    }

    /** Appends one entry with NextEntryOffset 0; the caller links entries with {@link #link}. */
    public static void write(ByteBuf out, int infoClass, String name, FileInfo f) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        out.writeIntLE(0); // NextEntryOffset
        out.writeIntLE(0); // FileIndex: "MUST be ignored" by the client for file systems without ordering
        if (infoClass == FILE_NAMES_INFORMATION) {
            out.writeIntLE(n.length);
            out.writeBytes(n);
            return;
        }
        out.writeLongLE(f.creationTime());
        out.writeLongLE(f.lastAccessTime());
        out.writeLongLE(f.lastWriteTime());
        out.writeLongLE(f.changeTime());
        out.writeLongLE(f.endOfFile());
        out.writeLongLE(f.allocationSize());
        out.writeIntLE(f.attributes());
        out.writeIntLE(n.length);
        if (infoClass != FILE_DIRECTORY_INFORMATION) {
            out.writeIntLE(f.eaSize());
        }
        if (infoClass == FILE_BOTH_DIRECTORY_INFORMATION || infoClass == FILE_ID_BOTH_DIRECTORY_INFORMATION) {
            out.writeByte(0); // ShortNameLength: no 8.3 names
            out.writeByte(0);
            out.writeZero(24); // ShortName
        }
        if (infoClass == FILE_ID_BOTH_DIRECTORY_INFORMATION) {
            out.writeShortLE(0); // Reserved2
            out.writeLongLE(f.fileId());
        } else if (infoClass == FILE_ID_FULL_DIRECTORY_INFORMATION) {
            out.writeIntLE(0); // Reserved
            out.writeLongLE(f.fileId());
        }
        out.writeBytes(n);
    }

    /** Pads {@code out} to 8 bytes after the entry at {@code previous} and points its NextEntryOffset here. */
    public static void link(ByteBuf out, int previous) {
        while ((out.writerIndex() - previous) % 8 != 0) {
            out.writeByte(0);
        }
        out.setIntLE(previous, out.writerIndex() - previous);
    }
}
