package io.swrap.selftest.env;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Samba's RPC clients — {@code smbclient -L}, {@code rpcclient} (package smbclient) and {@code net rpc} (samba-common-bin) — under C
 * libsocket_wrapper from one interface of a fake network, bounded in time, with Kerberos off and no smb.conf.
 */
public final class RpcTools {
    public static final Path RPCCLIENT = Path.of("/usr/bin/rpcclient");
    public static final Path NET = Path.of("/usr/bin/net");

    private RpcTools() {
    }

    /** {@code smbclient -L //HOST -U user%password}: the share list. */
    public static Smbclient.Result listShares(Path swrapDir, int clientIface, String host, String user, String password,
                                              Path cwd, long timeoutSeconds) throws IOException, InterruptedException {
        CTool.Completed c = CTool.run(List.of(Smbclient.SMBCLIENT.toString(), "--configfile=/dev/null", "-L", "//" + host,
                "-U", user + "%" + password, "--use-kerberos=off"), swrapDir, clientIface, cwd, timeoutSeconds);
        return new Smbclient.Result(c.exit(), c.output(), c.nanos());
    }

    /** {@code rpcclient -U user%password HOST -c COMMANDS}. */
    public static Smbclient.Result rpcclient(Path swrapDir, int clientIface, String host, String user, String password,
                                             Path cwd, long timeoutSeconds, String commands)
            throws IOException, InterruptedException {
        CTool.Completed c = CTool.run(List.of(RPCCLIENT.toString(), "--configfile=/dev/null", "-U", user + "%" + password,
                "--option=clientusekerberos=off", host, "-c", commands), swrapDir, clientIface, cwd, timeoutSeconds);
        return new Smbclient.Result(c.exit(), c.output(), c.nanos());
    }

    /** {@code net rpc ARGS... -S HOST -U user%password}. */
    public static Smbclient.Result netRpc(Path swrapDir, int clientIface, String host, String user, String password,
                                          Path cwd, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(NET.toString(), "--configfile=/dev/null", "rpc"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-S", host, "-U", user + "%" + password, "--option=clientusekerberos=off"));
        CTool.Completed c = CTool.run(cmd, swrapDir, clientIface, cwd, timeoutSeconds);
        return new Smbclient.Result(c.exit(), c.output(), c.nanos());
    }
}
