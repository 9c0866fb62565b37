package io.swrap.selftest.bench;

import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * smbclient {@code put} and {@code get} of one large file against the project's SMB server (under
 * the agent) and against Debian's Samba smbd (started by samba-anchor.sh under C
 * socket_wrapper), side by side in two fake networks, alternating per round; prints medians and
 * the ratio ours/Samba. Both servers get the same smbclient, dialect and options.
 *
 * <p>Usage: {@code SmbBench ANCHOR_SCRIPT [MIB=512] [ROUNDS=3]}.
 */
public final class SmbBench {
    private static final int CLIENT_IFACE = 21;
    private static final String ANCHOR_USER = "tester";
    private static final String ANCHOR_PASSWORD = "pass";

    public static void main(String[] args) throws Exception {
        Path anchor = Path.of(args[0]);
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        if (!Files.isRegularFile(anchor)) {
            throw new IllegalArgumentException("samba-anchor.sh not found at " + anchor
                    + " (scripts/lib/samba-anchor.sh in the repository)");
        }
        // smbd serves the share as user tester: the directories above it must be traversable
        Path base = Files.createTempDirectory(Path.of("/tmp"), "swrap-smbbench.",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path cwd = Files.createDirectories(base.resolve("client"));
        writeRandom(cwd.resolve("big.bin"), mib);
        Path samba = base.resolve("samba");
        BenchSupport.run(List.of("bash", anchor.toString(), "start", samba.toString(), "11", "445"));
        List<Double> oursPut = new ArrayList<>();
        List<Double> oursGet = new ArrayList<>();
        List<Double> sambaPut = new ArrayList<>();
        List<Double> sambaGet = new ArrayList<>();
        try (SmbEnv ours = SmbEnv.start(base.resolve("ours"), new int[] {11}, "")) {
            for (int r = 0; r < rounds; r++) {
                transfer(ours.swrapDir(), SmbEnv.USER, SmbEnv.PASSWORD, cwd, mib, oursPut, oursGet);
                transfer(samba.resolve("swrap"), ANCHOR_USER, ANCHOR_PASSWORD, cwd, mib, sambaPut, sambaGet);
            }
        } finally {
            BenchSupport.run(List.of("bash", anchor.toString(), "stop", samba.toString()));
        }
        System.out.printf(Locale.ROOT, "%-32s %12s %12s %8s%n", "smbclient -m SMB3, " + mib + " MiB, median of "
                + rounds, "swrap smbserver", "Samba smbd", "ratio");
        print("put (client -> server)", oursPut, sambaPut);
        print("get (server -> client)", oursGet, sambaGet);
        System.out.println("all runs MiB/s: ours put " + oursPut + " get " + oursGet + "; samba put " + sambaPut
                + " get " + sambaGet);
        BenchSupport.deleteTree(base);
    }

    private static void transfer(Path swrap, String user, String password, Path cwd, int mib, List<Double> puts,
                                 List<Double> gets) throws Exception {
        Files.deleteIfExists(cwd.resolve("back.bin"));
        puts.add(timed(swrap, user, password, cwd, mib, "put big.bin bench.bin"));
        gets.add(timed(swrap, user, password, cwd, mib, "get bench.bin back.bin"));
        if (Files.size(cwd.resolve("back.bin")) != (long) mib << 20) {
            throw new AssertionError("get returned " + Files.size(cwd.resolve("back.bin")) + " bytes, expected "
                    + ((long) mib << 20));
        }
        Smbclient.run(swrap, CLIENT_IFACE, "//127.0.0.11/share", user, password, cwd, 60, "del bench.bin",
                "-m", "SMB3");
    }

    private static double timed(Path swrap, String user, String password, Path cwd, int mib, String command)
            throws Exception {
        Smbclient.Result r = Smbclient.run(swrap, CLIENT_IFACE, "//127.0.0.11/share", user, password, cwd, 600,
                command, "-m", "SMB3");
        if (r.exit() != 0) {
            throw new AssertionError("smbclient " + command + " failed (" + r.exit() + "):\n" + r.output());
        }
        return mib / (r.nanos() / 1e9);
    }

    private static void print(String what, List<Double> ours, List<Double> samba) {
        double o = BenchSupport.median(ours);
        double s = BenchSupport.median(samba);
        System.out.printf(Locale.ROOT, "%-32s %6.0f MiB/s %6.0f MiB/s %7.2fx%n", what, o, s, o / s);
    }

    private static void writeRandom(Path file, int mib) throws IOException {
        Random random = new Random(512);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

}
