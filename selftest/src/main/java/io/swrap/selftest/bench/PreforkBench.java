package io.swrap.selftest.bench;

import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The project's SMB server in one process against {@code prefork children = 4} (a master and four workers),
 * both under the agent in two fake networks: CLIENTS smbclients at once (each from its own interface, so each
 * is its own ClientGuid), each putting and then getting its own MIB MiB file; rounds alternate between the
 * two servers. Prints the median wall time of a round and the aggregate MiB/s (bytes moved both ways by all
 * clients / wall time) side by side.
 *
 * <p>Usage: {@code PreforkBench [MIB=64] [CLIENTS=8] [ROUNDS=3]}.
 */
public final class PreforkBench {
    private static final int FIRST_CLIENT_IFACE = 21;

    private PreforkBench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path base = Files.createTempDirectory("swrap-preforkbench.");
        Path cwd = Files.createDirectories(base.resolve("client"));
        byte[] chunk = new byte[1 << 20];
        new Random(445).nextBytes(chunk);
        try (OutputStream out = Files.newOutputStream(cwd.resolve("big.bin"))) {
            for (int i = 0; i < mib; i++) {
                out.write(chunk);
            }
        }
        int[] nics = {11, 12, 13, 14};
        List<Double> single = new ArrayList<>();
        List<Double> prefork = new ArrayList<>();
        try (SmbEnv one = SmbEnv.start(base.resolve("single"), nics, "");
             SmbEnv many = SmbEnv.start(base.resolve("prefork"), nics,
                     "prefork children = 4")) {
            for (int r = 0; r < rounds; r++) {
                single.add(round(one, cwd, mib, clients));
                prefork.add(round(many, cwd, mib, clients));
            }
        }
        double s = BenchSupport.median(single);
        double p = BenchSupport.median(prefork);
        double moved = 2.0 * mib * clients;
        System.out.printf(Locale.ROOT, "%d smbclients at once, put+get of %d MiB each, median of %d rounds%n", clients,
                mib, rounds);
        System.out.printf(Locale.ROOT, "%-28s %10s %10s%n", "", "one process", "prefork 4");
        System.out.printf(Locale.ROOT, "%-28s %9.1fs %9.1fs%n", "wall time of a round", s, p);
        System.out.printf(Locale.ROOT, "%-28s %10.0f %10.0f%n", "aggregate MiB/s", moved / s, moved / p);
        System.out.println("all rounds (s): one process " + single + "; prefork " + prefork);
        BenchSupport.deleteTree(base);
    }

    /** All clients at once; the round's wall time in seconds. */
    private static double round(SmbEnv env, Path cwd, int mib, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<Future<Smbclient.Result>> runs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int iface = FIRST_CLIENT_IFACE + c;
                String f = "f" + c + ".bin";
                runs.add(pool.submit(() -> env.smbclient(iface, 11 + iface % 4, SmbEnv.PASSWORD, cwd,
                        "put big.bin " + f + "; get " + f + " back" + iface + ".bin; del " + f, "-m", "SMB3")));
            }
            for (Future<Smbclient.Result> run : runs) {
                Smbclient.Result r = run.get();
                if (r.exit() != 0) {
                    throw new AssertionError("smbclient failed (" + r.exit() + "):\n" + r.output());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int c = 0; c < clients; c++) {
                Path back = cwd.resolve("back" + (FIRST_CLIENT_IFACE + c) + ".bin");
                if (Files.size(back) != (long) mib << 20) {
                    throw new AssertionError(back + ": " + Files.size(back) + " bytes, expected " + ((long) mib << 20));
                }
                Files.delete(back);
            }
            return seconds;
        } finally {
            pool.shutdownNow();
        }
    }
}
