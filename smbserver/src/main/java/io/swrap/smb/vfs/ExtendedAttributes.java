package io.swrap.smb.vfs;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A file's EAs ([MS-FSCC] 2.4.15 FILE_FULL_EA_INFORMATION), each in an extended attribute {@code
 * user.swrap.ea.NAME} of the file (its own namespace: a client's EA can never be one of the server's xattrs),
 * the name upper-cased as NTFS keeps it. Read and written on the open object's descriptor.
 */
public final class ExtendedAttributes {
    static final String PREFIX = "user.swrap.ea.";
    /** The most bytes of EA names and values one file holds, and one list a client sends, may have. */
    public static final int MAX_LIST = 64 * 1024;
    /** Bytes of xattr names most files stay within (the server's own few and some EAs). */
    private static final int COMMON_NAMES = 4096;
    /** Linux's XATTR_NAME_MAX less the prefix (Samba's limit is the same, less "user."). */
    static final int MAX_NAME = 255 - PREFIX.length();

    /** One EA; an empty value in a list a client sends removes the EA. */
    public record Ea(String name, byte[] value) {
    }

    private ExtendedAttributes() {
    }

    /** The EAs of {@code h}, in the order the file system lists them. */
    public static List<Ea> read(Vfs.Handle h) throws VfsException {
        List<Ea> out = new ArrayList<>();
        for (String x : h.listXattrs(MAX_LIST)) {
            if (x.startsWith(PREFIX)) {
                byte[] v = h.getXattr(x, MAX_LIST);
                if (v != null) {
                    out.add(new Ea(x.substring(PREFIX.length()), v));
                }
            }
        }
        return out;
    }

    /**
     * EaSize ([MS-FSCC] 2.4.12 FileEaInformation, and the directory entries that carry it): the bytes of the
     * file's FILE_FULL_EA_INFORMATION list as QUERY_INFO FileFullEaInformation returns it, every entry but the
     * last padded to 4 bytes (what Samba reports over SMB2); 0 without EAs, at the cost of one listxattr.
     */
    public static int size(Vfs.Handle h) throws VfsException {
        List<String> names;
        try {
            names = h.listXattrs(COMMON_NAMES); // every stat asks: a small buffer first
        } catch (VfsException e) {
            if (e.errno() != Errno.E2BIG) {
                throw e;
            }
            names = h.listXattrs(MAX_LIST);
        }
        int total = 0;
        int last = 0;
        for (String x : names) {
            if (x.startsWith(PREFIX)) {
                byte[] v = h.getXattr(x, MAX_LIST);
                if (v != null) {
                    total += (last + 3) & ~3;
                    last = 8 + (x.length() - PREFIX.length()) + 1 + v.length;
                }
            }
        }
        return total + last;
    }

    /** Sets (or, with an empty value, removes) each EA of {@code eas} on {@code h}. */
    public static void write(Vfs.Handle h, List<Ea> eas) throws VfsException {
        for (Ea ea : eas) {
            String x = PREFIX + ea.name().toUpperCase(Locale.ROOT);
            if (ea.value().length == 0) {
                h.removeXattr(x);
            } else if (!h.setXattr(x, ea.value())) {
                throw new VfsException(Errno.ENOTSUP, "setxattr " + x, "the share's file system keeps no user"
                        + " extended attributes");
            }
        }
    }

    /** Parses a FILE_FULL_EA_INFORMATION list (SET_INFO class 15, the ExtA create context), bounds first. */
    public static List<Ea> parse(byte[] list) throws Smb2Exception {
        if (list.length > MAX_LIST) {
            throw invalid("a list of " + list.length + " bytes (at most " + MAX_LIST + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(list).order(ByteOrder.LITTLE_ENDIAN);
        List<Ea> out = new ArrayList<>();
        int p = 0;
        while (true) {
            if (list.length - p < 8) {
                throw invalid("an entry at " + p + " in " + list.length + " bytes");
            }
            long next = Integer.toUnsignedLong(b.getInt(p));
            int nameLen = Byte.toUnsignedInt(b.get(p + 5));
            int valueLen = Short.toUnsignedInt(b.getShort(p + 6));
            int size = 8 + nameLen + 1 + valueLen;
            if (nameLen == 0 || nameLen > MAX_NAME || size > list.length - p || next != 0 && (next < size || next > list.length - p)) {
                throw invalid("entry at " + p + ": name " + nameLen + " and value " + valueLen + " bytes, next "
                        + next + ", in " + (list.length - p) + " bytes");
            }
            String name = new String(list, p + 8, nameLen, StandardCharsets.US_ASCII);
            for (char c : name.toCharArray()) {
                if (c < 0x20 || c > 0x7E || "\"*+,/:;<=>?[\\]|".indexOf(c) >= 0) {
                    throw invalid("EA name '" + name + "' has character 0x" + Integer.toHexString(c));
                }
            }
            byte[] value = new byte[valueLen];
            b.get(p + 8 + nameLen + 1, value);
            out.add(new Ea(name, value));
            if (next == 0) {
                return out;
            }
            p += (int) next;
        }
    }

    private static Smb2Exception invalid(String what) {
        return new Smb2Exception(NtStatus.INVALID_PARAMETER, "FILE_FULL_EA_INFORMATION: " + what);
    }

    /** The FILE_FULL_EA_INFORMATION list of {@code eas}, entries 4-byte aligned. */
    public static byte[] encode(List<Ea> eas) {
        ByteBuffer b = ByteBuffer.allocate(eas.size() * 12 + eas.stream().mapToInt(e -> e.name().length()
                + e.value().length).sum()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < eas.size(); i++) {
            Ea e = eas.get(i);
            int start = b.position();
            int size = 8 + e.name().length() + 1 + e.value().length;
            int padded = (size + 3) & ~3;
            b.putInt(i == eas.size() - 1 ? 0 : padded).put((byte) 0).put((byte) e.name().length())
                    .putShort((short) e.value().length).put(e.name().getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                    .put(e.value());
            if (i < eas.size() - 1) {
                b.position(start + padded);
            }
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }
}
