package io.swrap.smb.config;

/** Debian's smb.conf of {@link SambaConfTest}, for the tests that start a server with it. */
public final class SambaConfTestAccess {
    private SambaConfTestAccess() {
    }

    public static String debian() {
        return SambaConfTest.DEBIAN;
    }
}
