package io.swrap.smb.config;

import java.nio.file.Path;

/**
 * One {@code [share]} section.
 *
 * @param name share name as clients spell it (matched case-insensitively)
 * @param path the directory exported; null only for the built-in IPC$
 * @param readOnly {@code read only = yes} (Samba's default)
 * @param encrypt the share's {@code smb encrypt}, or the global one when not set
 * @param comment {@code comment}: the remark share listings show (default empty)
 * @param browseable {@code browseable} (default yes): whether share listings show it
 * @param maxStreamSize {@code smbserver:max stream size} (bytes, 0..65535, default 65535): the most a named
 *     stream may hold (its data are one xattr value of the base file); 0 turns named streams off
 */
public record ShareConfig(String name, Path path, boolean readOnly, EncryptSetting encrypt, String comment,
        boolean browseable, int maxStreamSize) {
    /** Linux's XATTR_SIZE_MAX less the NUL byte Samba's streams_xattr appends. */
    public static final int MAX_STREAM_SIZE = 65535;

    /** A browseable share without a comment. */
    public ShareConfig(String name, Path path, boolean readOnly, EncryptSetting encrypt) {
        this(name, path, readOnly, encrypt, "", true);
    }

    /** A share with named streams of up to {@link #MAX_STREAM_SIZE} bytes. */
    public ShareConfig(String name, Path path, boolean readOnly, EncryptSetting encrypt, String comment,
            boolean browseable) {
        this(name, path, readOnly, encrypt, comment, browseable, MAX_STREAM_SIZE);
    }

    /** Whether clients may open named streams ({@code file:stream}) on it. */
    public boolean namedStreams() {
        return maxStreamSize > 0;
    }

    public boolean isIpc() {
        return path == null;
    }
}
