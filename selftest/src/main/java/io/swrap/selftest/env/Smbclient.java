package io.swrap.selftest.env;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Debian's smbclient under C libsocket_wrapper, bounded in time, its output kept in a file. */
public final class Smbclient {
    public static final Path SMBCLIENT = Path.of("/usr/bin/smbclient");

    private Smbclient() {
    }

    /** What one smbclient run printed, how it ended, and how long it took. */
    public record Result(int exit, String output, long nanos) {
    }

    /**
     * Runs {@code smbclient UNC -U user%password OPTIONS -c COMMANDS} in {@code cwd}, from interface
     * {@code clientIface} of the network {@code swrapDir}.
     */
    public static Result run(Path swrapDir, int clientIface, String unc, String user, String password, Path cwd,
                             long timeoutSeconds, String commands, String... options)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SMBCLIENT.toString(), "--configfile=/dev/null", unc,
                "-U", user + "%" + password, "--use-kerberos=off"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-c", commands));
        CTool.Completed c = CTool.run(cmd, swrapDir, clientIface, cwd, timeoutSeconds);
        return new Result(c.exit(), c.output(), c.nanos());
    }
}
