package io.swrap.smb.smb2.fscc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.vfs.FileInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * File system information classes of [MS-FSCC] 2.5: Volume (1), Size (3), Device (4), Attribute (5),
 * Control (6, no quotas), FullSize (7), ObjectId (8), SectorSize (11). Allocation units are 4096 bytes of eight 512-byte sectors.
 */
public final class FsInformation {
    public static final int VOLUME = 1;
    public static final int SIZE = 3;
    public static final int DEVICE = 4;
    public static final int ATTRIBUTE = 5;
    public static final int CONTROL = 6;
    public static final int FULL_SIZE = 7;
    public static final int OBJECT_ID = 8;
    public static final int SECTOR_SIZE = 11;
    private static final int SECTOR = 512;
    private static final int FILE_DEVICE_DISK = 0x7;
    /**
     * [MS-FSCC] 2.5.1: the file system supports case-sensitive file names. True of the share's storage: names
     * differing only in case coexist on disk, each is the key of its own open state, and the exact spelling
     * resolves to its own file before any other spelling is matched ignoring case ({@code Vfs.lookup}). Only a
     * name with no exact match falls back to the case-insensitive match that every SMB2 open asks for (Windows
     * clients always set OBJ_CASE_INSENSITIVE; SMB2 has no flag to ask otherwise). Samba's smbd advertises the
     * flag on the same grounds, and smb2.streams.names3 runs only when it is set.
     */
    private static final int FILE_CASE_SENSITIVE_SEARCH = 0x1;
    private static final int FILE_CASE_PRESERVED_NAMES = 0x2;
    private static final int FILE_UNICODE_ON_DISK = 0x4;
    private static final int FILE_SUPPORTS_SPARSE_FILES = 0x40;
    private static final int FILE_NAMED_STREAMS = 0x40000;

    private FsInformation() {
    }

    /**
     * @param namedStreams whether the share serves named streams (FILE_NAMED_STREAMS in the attribute class)
     */
    public static InfoBuffer encode(ByteBufAllocator alloc, int infoClass, Path root, String label, long created,
            boolean namedStreams) throws Smb2Exception, IOException {
        ByteBuf b = alloc.buffer();
        int fixed = -1; // -1: the whole result is fixed-size
        switch (infoClass) {
            case VOLUME -> {
                byte[] l = label.getBytes(StandardCharsets.UTF_16LE);
                b.writeLongLE(created);
                b.writeIntLE(label.hashCode()); // VolumeSerialNumber: stable per share name
                b.writeIntLE(l.length);
                b.writeByte(0); // SupportsObjects
                b.writeByte(0);
                b.writeBytes(l);
                fixed = 24; // the structure sizes Windows counts, padding included
            }
            case SIZE -> {
                FileStore fs = Files.getFileStore(root);
                b.writeLongLE(fs.getTotalSpace() / FileInfo.CLUSTER);
                b.writeLongLE(fs.getUsableSpace() / FileInfo.CLUSTER);
                b.writeIntLE(FileInfo.CLUSTER / SECTOR);
                b.writeIntLE(SECTOR);
            }
            case FULL_SIZE -> {
                FileStore fs = Files.getFileStore(root);
                b.writeLongLE(fs.getTotalSpace() / FileInfo.CLUSTER);
                b.writeLongLE(fs.getUsableSpace() / FileInfo.CLUSTER);
                b.writeLongLE(fs.getUnallocatedSpace() / FileInfo.CLUSTER);
                b.writeIntLE(FileInfo.CLUSTER / SECTOR);
                b.writeIntLE(SECTOR);
            }
            case DEVICE -> {
                b.writeIntLE(FILE_DEVICE_DISK);
                b.writeIntLE(0);
            }
            case ATTRIBUTE -> {
                byte[] n = "NTFS".getBytes(StandardCharsets.UTF_16LE);
                b.writeIntLE(FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK
                        | FILE_SUPPORTS_SPARSE_FILES | (namedStreams ? FILE_NAMED_STREAMS : 0));
                b.writeIntLE(255);
                b.writeIntLE(n.length);
                b.writeBytes(n);
                fixed = 16;
            }
            case CONTROL -> {
                // FreeSpaceStartFiltering, FreeSpaceThreshold, FreeSpaceStopFiltering, DefaultQuotaThreshold,
                // DefaultQuotaLimit (8 each), FileSystemControlFlags (4), Padding (4): quotas off.
                b.writeZero(40);
                b.writeIntLE(0);
                b.writeIntLE(0);
            }
            case OBJECT_ID -> {
                b.writeLongLE(label.hashCode()); // ObjectId (16): the volume's, stable per share
                b.writeLongLE(created);
                b.writeZero(48); // ExtendedInfo
            }
            case SECTOR_SIZE -> {
                for (int i = 0; i < 4; i++) {
                    b.writeIntLE(SECTOR);
                }
                b.writeIntLE(0x3); // Flags: ALIGNED_DEVICE | PARTITION_ALIGNED_ON_DEVICE
                b.writeIntLE(0);
                b.writeIntLE(0);
            }
            default -> {
                b.release();
                throw new Smb2Exception(NtStatus.INVALID_INFO_CLASS, "file system information class " + infoClass
                        + " is not supported");
            }
        }
        return new InfoBuffer(b, fixed < 0 ? b.readableBytes() : fixed);
    }
}
