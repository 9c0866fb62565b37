package io.swrap.agent.net;

import io.swrap.agent.SwrapLog;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Linux's dual-stack listeners: a stream socket bound to {@code [::]:port} also takes IPv4
 * connections to {@code <net>.X:port}. The listener's file is its IPv6 name ({@code X…}); its
 * IPv4 name ({@code T…}) is a hard link to the same socket inode, so a client — Java or C —
 * connecting to the IPv4 name reaches the same listener (the kernel finds a unix socket by the
 * inode of the path). C socket_wrapper binds the IPv6 name only, and its IPv4 clients get
 * EHOSTUNREACH. The link goes when the IPv6 name goes.
 */
public final class DualStack {
    private DualStack() {
    }

    /** The IPv4 twin of an IPv6 stream name ({@code X0B1BBC} -> {@code T0B1BBC}); null for any other name. */
    public static SocketName twin(SocketName name) {
        return name.type() == SocketName.TCP_V6 ? new SocketName(SocketName.TCP_V4, name.iface(), name.port()) : null;
    }

    /** The IPv6 name an IPv4 stream name may be the twin of; null for any other name. */
    static SocketName original(SocketName name) {
        return name.type() == SocketName.TCP_V4 ? new SocketName(SocketName.TCP_V6, name.iface(), name.port()) : null;
    }

    /**
     * Links the IPv4 twin of a just bound IPv6 wildcard listener. A twin held by a live socket is
     * {@code EADDRINUSE}, as Linux refuses an IPv4 and a dual-stack listener on one port; a stale
     * one is replaced.
     */
    static void link(Path v6path, Path v4path) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.createLink(v4path, v6path);
                return;
            } catch (FileAlreadyExistsException e) {
                if (LiveSockets.isBound(v4path)) {
                    throw new java.net.BindException("Address already in use: the IPv4 name " + v4path
                            + " of this dual-stack listener belongs to a live socket");
                }
                Files.deleteIfExists(v4path);
                SwrapLog.debug("swrap_bind", "reclaimed stale " + v4path);
            }
        }
        throw new java.net.BindException("Address already in use: " + v4path + " keeps reappearing");
    }

    /** Whether {@code v4path} is the twin of a live dual-stack listener's IPv6 name. */
    static boolean isLiveTwin(Path v4path) throws IOException {
        SocketName v4 = SocketName.parse(v4path.getFileName().toString());
        SocketName v6 = v4 == null ? null : original(v4);
        if (v6 == null) {
            return false;
        }
        Path v6path = v4path.resolveSibling(v6.fileName());
        try {
            return Files.isSameFile(v4path, v6path) && LiveSockets.isBoundExactly(v6path);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Unlinks the IPv4 twin of an IPv6 name that is about to be unlinked, if it is one. */
    public static void unlinkTwin(Path v6path) {
        SocketName v6 = SocketName.parse(v6path.getFileName().toString());
        SocketName v4 = v6 == null ? null : twin(v6);
        if (v4 == null) {
            return;
        }
        Path v4path = v6path.resolveSibling(v4.fileName());
        try {
            if (Files.exists(v4path, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(v4path, v6path)) {
                Files.deleteIfExists(v4path);
            }
        } catch (NoSuchFileException e) {
            // already gone: another process released it first
        } catch (IOException e) {
            SwrapLog.error("swrap_close", "cannot unlink the IPv4 name " + v4path + " of " + v6path + ": " + e);
        }
    }
}
