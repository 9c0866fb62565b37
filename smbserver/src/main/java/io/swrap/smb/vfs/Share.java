package io.swrap.smb.vfs;

import io.swrap.smb.config.ShareConfig;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.vfs.posix.PosixVfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A disk share (or IPC$) and the resolution of client path names inside it. Names are matched
 * case-insensitively component by component, each lookup reading the parent directory through its
 * descriptor; ".." is resolved by name first and cannot go above the root. The resolved name is only a name: every operation on it
 * goes through the share's {@link Vfs}, which resolves it again beneath the share's root descriptor and
 * refuses a symlink leading outside (which, as in Samba with {@code wide links = no}, does not exist for a client).
 */
public final class Share {
    /** Linux's NAME_MAX: a longer component can be no file's name (Samba: OBJECT_NAME_INVALID). */
    static final int MAX_NAME_BYTES = 255;
    private final ShareConfig config;
    private final Path root;
    private final Vfs vfs;

    /** @throws IOException when a disk share's path is not an existing directory */
    public Share(ShareConfig config) throws IOException {
        this.config = config;
        if (config.isIpc()) {
            this.root = null;
            this.vfs = null;
        } else {
            if (!Files.isDirectory(config.path())) {
                throw new IOException("share [" + config.name() + "]: path " + config.path()
                        + " is not an existing directory (create it or fix 'path =')");
            }
            this.root = config.path().toRealPath();
            this.vfs = new PosixVfs(root);
        }
    }

    public ShareConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public boolean isIpc() {
        return config.isIpc();
    }

    /** The share's root: the base of the names the server's tables use, never opened by path. */
    public Path root() {
        return root;
    }

    /** The file-system operations of this disk share. */
    public Vfs vfs() {
        return vfs;
    }

    /**
     * The result of resolving a name: its key in the server's tables ({@code path}, under {@link #root()}), its
     * share-relative name for the {@link Vfs} ({@code rel}), and whether it and its parent exist.
     */
    public record Resolved(Path path, String rel, boolean exists, boolean parentExists, String name) {
    }

    /**
     * Resolves a share-relative name as sent in CREATE ("\"-separated, no leading "\") with Samba's path rules
     * (its check_path_syntax, compared form by form with Samba 4.17's smbd): '/' separates as '\' does (Samba
     * takes both; smb2.timestamps.test_close_not_attrib names "dir/file"), runs of separators count as one and
     * trailing ones are dropped; ".." removes the component before it, by name, before anything is looked up;
     * "." is refused.
     *
     * @throws Smb2Exception OBJECT_PATH_SYNTAX_BAD for a ".." above the share's root; OBJECT_NAME_INVALID for a
     *     last component ".", forbidden characters or a component over 255 bytes; OBJECT_PATH_NOT_FOUND for a
     *     "." before the last component (a directory in the name that leads outside the share makes the rest
     *     non-existent: parentExists is false)
     */
    public Resolved resolve(String name) throws Smb2Exception {
        String n = name;
        if (n.endsWith("::$DATA")) {
            n = n.substring(0, n.length() - "::$DATA".length());
        }
        List<String> parts = new ArrayList<>();
        for (String c : n.split("[\\\\/]+")) {
            if (c.isEmpty()) {
                continue; // before a leading backslash
            }
            if (!c.equals("..")) {
                parts.add(c);
            } else if (parts.isEmpty()) {
                throw new Smb2Exception(NtStatus.OBJECT_PATH_SYNTAX_BAD, "name '" + name
                        + "': '..' leads above the share's root");
            } else {
                parts.removeLast();
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).equals(".")) {
                throw new Smb2Exception(i == parts.size() - 1 ? NtStatus.OBJECT_NAME_INVALID
                        : NtStatus.OBJECT_PATH_NOT_FOUND, "name '" + name + "': '.' is not a name");
            }
            checkComponent(parts.get(i), name);
        }
        String rel = "";
        boolean exists = true;
        boolean parentExists = true;
        for (String c : parts) {
            parentExists = exists;
            String match = null;
            if (exists) {
                try {
                    match = vfs.lookup(rel, c);
                } catch (VfsException e) {
                    // the directory is missing, no directory, or a symlink leading outside (EXDEV, ELOOP):
                    // the name has no parent, OBJECT_PATH_NOT_FOUND as in Samba
                    if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENOTDIR && e.errno() != Errno.EXDEV
                            && e.errno() != Errno.ELOOP) {
                        throw Vfs.toSmb(e, "name '" + name + "' in share [" + name() + "]");
                    }
                    parentExists = false;
                }
                exists = match != null;
            }
            rel = rel.isEmpty() ? (match != null ? match : c) : rel + "/" + (match != null ? match : c);
        }
        return new Resolved(key(rel), rel, exists, parentExists, String.join("\\", parts));
    }

    private static void checkComponent(String c, String name) throws Smb2Exception {
        if (c.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "name '" + name + "': a component over "
                    + MAX_NAME_BYTES + " bytes (UTF-8)");
        }
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch < 0x20 || "/<>\"|?*:".indexOf(ch) >= 0) {
                throw new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "name '" + name + "': character 0x"
                        + Integer.toHexString(ch) + " is not allowed (streams are not supported)");
            }
        }
    }

    /** The key of the server's tables for the share-relative name {@code rel} (see {@link KeyNames}). */
    public Path key(String rel) {
        return rel.isEmpty() ? root : root.resolve(KeyNames.encode(rel));
    }

    /** The share-relative, "/"-separated name of {@code p} (a table key under {@link #root()}) for the {@link Vfs}. */
    public String rel(Path p) {
        return KeyNames.decode(root.relativize(p).toString());
    }

    /** The share-relative, "\\"-separated name of {@code p}. */
    public String relativeName(Path p) {
        return rel(p).replace('/', '\\');
    }
}
