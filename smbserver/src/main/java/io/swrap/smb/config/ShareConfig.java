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
 */
public record ShareConfig(String name, Path path, boolean readOnly, EncryptSetting encrypt, String comment,
        boolean browseable) {
    /** A browseable share without a comment. */
    public ShareConfig(String name, Path path, boolean readOnly, EncryptSetting encrypt) {
        this(name, path, readOnly, encrypt, "", true);
    }

    public boolean isIpc() {
        return path == null;
    }
}
