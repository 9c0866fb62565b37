package io.swrap.smb.vfs;

import io.swrap.smb.config.ShareConfig;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A disk share (or IPC$) and the resolution of client path names inside it. Names are matched
 * case-insensitively component by component; ".." and absolute names are refused, and a name whose
 * existing part resolves (through symlinks) outside the share root gets STATUS_ACCESS_DENIED.
 */
public final class Share {
    private final ShareConfig config;
    private final Path root;

    /** @throws IOException when a disk share's path is not an existing directory */
    public Share(ShareConfig config) throws IOException {
        this.config = config;
        if (config.isIpc()) {
            this.root = null;
        } else {
            if (!Files.isDirectory(config.path())) {
                throw new IOException("share [" + config.name() + "]: path " + config.path()
                        + " is not an existing directory (create it or fix 'path =')");
            }
            this.root = config.path().toRealPath();
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

    public Path root() {
        return root;
    }

    /** The result of resolving a name: the path and whether it and its parent exist. */
    public record Resolved(Path path, boolean exists, boolean parentExists, String name) {
    }

    /**
     * Resolves a share-relative name as sent in CREATE ("\"-separated, no leading "\").
     *
     * @throws Smb2Exception OBJECT_NAME_INVALID for "..", empty components or forbidden characters;
     *     ACCESS_DENIED for names that escape the share
     */
    public Resolved resolve(String name) throws Smb2Exception {
        String n = name;
        if (n.endsWith("::$DATA")) {
            n = n.substring(0, n.length() - "::$DATA".length());
        }
        while (n.startsWith("\\")) {
            n = n.substring(1);
        }
        while (n.endsWith("\\")) {
            n = n.substring(0, n.length() - 1);
        }
        Path p = root;
        boolean exists = true;
        boolean parentExists = true;
        if (!n.isEmpty()) {
            String[] parts = n.split("\\\\", -1);
            for (int i = 0; i < parts.length; i++) {
                String c = parts[i];
                checkComponent(c, name);
                if (c.equals(".")) {
                    continue;
                }
                parentExists = exists;
                if (exists) {
                    Path match = lookup(p, c);
                    exists = match != null;
                    p = exists ? match : p.resolve(c);
                } else {
                    p = p.resolve(c);
                }
            }
        }
        confine(exists ? p : parentExists ? p.getParent() : null, name);
        return new Resolved(p, exists, parentExists, n);
    }

    private static void checkComponent(String c, String name) throws Smb2Exception {
        if (c.isEmpty() || c.equals("..") || c.length() > 255) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "name '" + name
                    + "': empty, '..' or over-long components are not allowed");
        }
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch < 0x20 || "/<>\"|?*:".indexOf(ch) >= 0) {
                throw new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "name '" + name + "': character 0x"
                        + Integer.toHexString(ch) + " is not allowed (streams are not supported)");
            }
        }
    }

    /** The entry of {@code dir} named {@code c}, exactly or ignoring case, or null. */
    private static Path lookup(Path dir, String c) throws Smb2Exception {
        Path exact = dir.resolve(c);
        if (Files.exists(exact, LinkOption.NOFOLLOW_LINKS)) {
            return exact;
        }
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path e : ds) {
                if (e.getFileName().toString().equalsIgnoreCase(c)) {
                    return e;
                }
            }
        } catch (IOException e) {
            throw Vfs.toSmb(e, dir.toString());
        }
        return null;
    }

    /** Refuses paths whose real location (symlinks resolved) is outside the share root. */
    private void confine(Path existing, String name) throws Smb2Exception {
        if (existing == null) {
            return;
        }
        try {
            Path real = existing.toRealPath();
            if (!real.startsWith(root)) {
                throw new Smb2Exception(NtStatus.ACCESS_DENIED, "name '" + name + "' resolves to " + real
                        + ", outside share [" + name() + "] at " + root);
            }
        } catch (IOException e) {
            // A dangling symlink has no real path: it cannot be opened either.
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "name '" + name + "': " + e, e);
        }
    }

    /** The share-relative, "\"-separated name of {@code p}. */
    public String relativeName(Path p) {
        return root.relativize(p).toString().replace('/', '\\');
    }
}
