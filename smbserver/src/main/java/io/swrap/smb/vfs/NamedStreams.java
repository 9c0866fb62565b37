package io.swrap.smb.vfs;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Named streams ({@code file:stream[:$DATA]}) kept as Samba's streams_xattr keeps them, so that a share served
 * by either server keeps its streams: the data of stream NAME are the value of the extended attribute {@code
 * user.DosStream.NAME:$DATA} of the base file, followed by one NUL byte. Stream names are matched ignoring case
 * and kept as created. A stream holds at most {@code smbserver:max stream size} bytes (and what the file system
 * allows in one xattr value).
 */
public final class NamedStreams {
    static final String PREFIX = "user.DosStream.";
    static final String DATA = ":$DATA";
    /** The most a stream can hold: Linux's XATTR_SIZE_MAX less Samba's trailing NUL. */
    public static final int MAX_SIZE = 65535;
    /** Linux's XATTR_NAME_MAX less the prefix and the ":$DATA" type. */
    static final int MAX_NAME = 255 - PREFIX.length() - DATA.length();

    /** One stream of a file: its name as created and its size. */
    public record Stream(String name, long size) {
    }

    /**
     * A CREATE name split at its first ':': the base file's name, and the stream's name ("" for the unnamed
     * {@code ::$DATA}); {@code stream} is null for a name without ':'.
     */
    public record Name(String base, String stream) {
        public boolean named() {
            return stream != null && !stream.isEmpty();
        }

        /** The stream's name as the server's tables key it (case-insensitive). */
        public String key() {
            return stream.toLowerCase(Locale.ROOT);
        }
    }

    private NamedStreams() {
    }

    /**
     * Splits {@code name} ("base:stream", "base:stream:$DATA", "base::$DATA") as [MS-FSCC] 2.1.5 names streams;
     * the type is "$DATA" (any case) or absent.
     *
     * @throws Smb2Exception OBJECT_NAME_INVALID for an empty or over-long stream name, another type, a
     *     character a stream name cannot have, or "base:" / "base:stream:"
     */
    public static Name parse(String name) throws Smb2Exception {
        int colon = name.indexOf(':');
        if (colon < 0) {
            return new Name(name, null);
        }
        String base = name.substring(0, colon);
        String rest = name.substring(colon + 1);
        String stream = rest;
        int type = rest.indexOf(':');
        if (type >= 0) {
            stream = rest.substring(0, type);
            if (!rest.substring(type).equalsIgnoreCase(DATA)) {
                throw invalid(name, "stream type '" + rest.substring(type + 1) + "' (expected: $DATA)");
            }
        } else if (stream.isEmpty()) {
            throw invalid(name, "an empty stream name without a type");
        }
        if (stream.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
            throw invalid(name, "a stream name over " + MAX_NAME + " bytes");
        }
        for (int i = 0; i < stream.length(); i++) {
            char c = stream.charAt(i);
            if (c == 0 || "\\/:".indexOf(c) >= 0) { // as Windows: control characters, '*' and '?' are allowed
                throw invalid(name, "character 0x" + Integer.toHexString(c) + " in a stream name");
            }
        }
        return new Name(base, stream);
    }

    private static Smb2Exception invalid(String name, String what) {
        return new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "name '" + name + "': " + what);
    }

    /** The streams of the file {@code base} with their sizes, in the order the file system lists them. */
    public static List<Stream> list(Vfs.Handle base) throws VfsException {
        List<Stream> out = new ArrayList<>();
        for (String x : base.listXattrs(ExtendedAttributes.MAX_LIST)) {
            if (x.startsWith(PREFIX) && x.endsWith(DATA) && x.length() > PREFIX.length() + DATA.length()) {
                byte[] v = base.getXattr(x, MAX_SIZE + 1);
                if (v != null) {
                    out.add(new Stream(x.substring(PREFIX.length(), x.length() - DATA.length()),
                            Math.max(0, v.length - 1)));
                }
            }
        }
        return out;
    }

    /** The xattr of the stream of {@code base} named {@code stream} (ignoring case), or null when there is none. */
    public static String find(Vfs.Handle base, String stream) throws VfsException {
        for (Stream s : list(base)) {
            if (s.name().equalsIgnoreCase(stream)) {
                return xattr(s.name());
            }
        }
        return null;
    }

    static String xattr(String stream) {
        return PREFIX + stream + DATA;
    }

    /**
     * A handle on the stream {@code name} of {@code base}: the existing one whose xattr is {@code x} (from
     * {@link #find}), or with {@code x} null a new one, created by {@link StreamHandle#create}.
     */
    public static StreamHandle open(Vfs.Handle base, String x, Name name, int maxSize) {
        return new StreamHandle(base, x != null ? x : xattr(name.stream()), name.key(), maxSize, x == null);
    }

    /** Removes every named stream of {@code base} (an overwrite or supersede of its data, as Windows and Samba). */
    public static void removeAll(Vfs.Handle base) throws VfsException {
        for (Stream s : list(base)) {
            base.removeXattr(xattr(s.name()));
        }
    }

    /**
     * Removes the stream {@code rel} ("dir/file:stream", a name the server's tables keep for a stream open) when
     * its last delete-on-close handle is closed.
     *
     * @return false when {@code rel} names no stream
     */
    public static boolean removeByName(Vfs vfs, String rel) throws VfsException {
        int colon = rel.lastIndexOf(':');
        if (colon < 0 || rel.indexOf('/', colon) >= 0) {
            return false;
        }
        try (Vfs.Handle base = vfs.open(rel.substring(0, colon))) {
            String x = find(base, rel.substring(colon + 1));
            if (x != null) {
                base.removeXattr(x);
            }
        }
        return true;
    }
}
