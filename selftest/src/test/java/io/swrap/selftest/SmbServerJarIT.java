package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's runnable artifact: smbserver/target/smbserver-VERSION.jar names its main class and, in its
 * Class-Path, jars that are all in smbserver/target/lib/ (smb2-protocol's, none of selftest's or the client's), and
 * scripts/smbserver starts it with {@code java -jar} in a fake network where Debian's smbclient stores and
 * reads back a file; a bare {@code java -jar} without any JVM option serves on real loopback.
 */
class SmbServerJarIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("scripts").resolve("smbserver");
    private static final int SERVER_IFACE = 11;
    private static final int CLIENT_IFACE = 21;
    private static final long LISTEN_TIMEOUT_SECONDS = 60;

    @TempDir
    Path base;

    private static Path serverJar() throws Exception {
        try (Stream<Path> jars = Files.list(ROOT.resolve("smbserver").resolve("target"))) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().matches("smbserver-[0-9].*\\.jar")).toList();
            assertEquals(1, found.size(), "expected one smbserver-VERSION.jar in smbserver/target: " + found);
            return found.get(0);
        }
    }

    @Test
    void manifestNamesTheMainClassAndItsJarsInLib() throws Exception {
        Path jar = serverJar();
        Attributes main;
        try (JarFile f = new JarFile(jar.toFile())) {
            main = f.getManifest().getMainAttributes();
        }
        assertEquals("io.swrap.smb.SmbServerMain", main.getValue(Attributes.Name.MAIN_CLASS));
        assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"));
        assertEquals("java.base/sun.nio.ch", main.getValue("Add-Exports"));
        List<String> classPath = Arrays.asList(main.getValue(Attributes.Name.CLASS_PATH).split(" "));
        Path lib = jar.resolveSibling("lib");
        for (String entry : classPath) {
            assertTrue(entry.startsWith("lib/"), "Class-Path entry outside lib/: " + entry);
            assertTrue(Files.isRegularFile(jar.resolveSibling(entry)), "Class-Path names a missing jar: " + entry);
            assertFalse(entry.contains("selftest") || entry.contains("smbclient") || entry.contains("junit"),
                    "the server's class path has a jar it must not need: " + entry);
        }
        assertTrue(classPath.stream().anyMatch(e -> e.startsWith("lib/smb2-protocol-")), classPath.toString());
    }

    @Test
    void scriptStartsTheJarAndSmbclientStoresAFile() throws Exception {
        Path swrap = Files.createDirectories(base.resolve("swrap"));
        Path share = Files.createDirectories(base.resolve("share"));
        Path passwd = base.resolve("smbpasswd");
        new SmbPasswdFile(passwd).addUser(SmbEnv.USER, 1000, SmbEnv.PASSWORD, System.currentTimeMillis() / 1000);
        Path conf = Files.writeString(base.resolve("smb.conf"), "[global]\n  interfaces = 127.0.0." + SERVER_IFACE
                + "\n  smb ports = " + SmbEnv.PORT + "\n  smb passwd file = " + passwd
                + "\n[share]\n  path = " + share + "\n  read only = no\n", StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString(), "--dir", swrap.toString(), "--iface",
                Integer.toString(SERVER_IFACE), "-s", conf.toString()));
        try (ChildProcess server = ChildProcess.command("scripts/smbserver", Map.of("SWRAP_NO_BUILD", "1"), cmd)) {
            awaitListener(swrap, server);
            // the script execs swrap-run, which execs the JVM: the child is the server's JVM
            String cmdline = Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline"))
                    .replace('\0', ' ');
            assertTrue(cmdline.contains("-jar " + serverJar()), "not started from its jar: " + cmdline);
            assertFalse(cmdline.contains("selftest"), "selftest on the server's command line: " + cmdline);
            // the AOT cache trained with the server's module options: the JVM maps all of it, module graph included
            if (!"off".equals(System.getenv("SWRAP_CACHE_DIR"))) {
                assertTrue(server.stderr().contains("-XX:AOTCache="), "no AOT cache: " + server.stderr());
            }
            assertFalse(server.stderr().contains("[aot]"), "the JVM refused (part of) its AOT cache: " + server.stderr());

            Path cwd = Files.createDirectories(base.resolve("client"));
            Files.writeString(cwd.resolve("in.txt"), "from smbclient\n");
            Smbclient.Result r = Smbclient.run(swrap, CLIENT_IFACE, "//127.0.0." + SERVER_IFACE + "/share",
                    SmbEnv.USER, SmbEnv.PASSWORD, cwd, 120, "put in.txt stored.txt; get stored.txt out.txt");
            assertEquals(0, r.exit(), r.output() + "\nserver stderr:\n" + server.stderr());
            assertEquals("from smbclient\n", Files.readString(share.resolve("stored.txt")));
            assertEquals("from smbclient\n", Files.readString(cwd.resolve("out.txt")));
        }
    }

    @Test
    void bareJavaJarNeedsNoFlags() throws Exception {
        // no agent, no script, no JVM options: the manifest alone gives native access and the sun.nio.ch export
        // (the server checks the export at start-up and refuses to start without it); real loopback only
        Path share = Files.createDirectories(base.resolve("share"));
        Path passwd = base.resolve("smbpasswd");
        new SmbPasswdFile(passwd).addUser(SmbEnv.USER, 1000, SmbEnv.PASSWORD, System.currentTimeMillis() / 1000);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = Files.writeString(base.resolve("smb.conf"), "[global]\n  interfaces = 127.0.0.1\n  smb ports = "
                + port + "\n  smb passwd file = " + passwd + "\n[share]\n  path = " + share + "\n  read only = no\n",
                StandardCharsets.UTF_8);
        try (ChildProcess server = ChildProcess.command("java -jar smbserver", Map.of(),
                List.of(ChildProcess.JAVA, "-jar", serverJar().toString(), "-s", conf.toString()))) {
            awaitLog(server, "listening on /127.0.0.1:" + port);
            Files.writeString(share.resolve("seen.txt"), "x");
            ProcessBuilder pb = new ProcessBuilder(Smbclient.SMBCLIENT.toString(), "--configfile=/dev/null",
                    "//127.0.0.1/share", "-p", Integer.toString(port), "-U", SmbEnv.USER + "%" + SmbEnv.PASSWORD,
                    "--use-kerberos=off", "-m", "SMB3", "-c", "ls").redirectErrorStream(true);
            Process ls = pb.start();
            String out = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ls.waitFor(120, TimeUnit.SECONDS), "smbclient did not finish: " + out);
            assertEquals(0, ls.exitValue(), out + "\nserver stderr:\n" + server.stderr());
            assertTrue(out.contains("seen.txt"), out);
            assertFalse(server.stderr().contains("restricted method"), server.stderr());
        }
    }

    private static void awaitLog(ChildProcess server, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTEN_TIMEOUT_SECONDS);
        while (!server.stderr().contains(line)) {
            if (System.nanoTime() > deadline || !server.alive()) {
                throw new AssertionError("java -jar smbserver did not log '" + line + "' within "
                        + LISTEN_TIMEOUT_SECONDS + " s; alive=" + server.alive() + "; stderr:\n" + server.stderr());
            }
            Thread.sleep(50);
        }
    }

    private static void awaitListener(Path swrap, ChildProcess server) throws InterruptedException {
        Path listener = swrap.resolve(String.format(Locale.ROOT, "T%02X%04X", SERVER_IFACE, SmbEnv.PORT));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTEN_TIMEOUT_SECONDS);
        while (!Files.exists(listener)) {
            if (System.nanoTime() > deadline || !server.alive()) {
                throw new AssertionError("scripts/smbserver did not listen on 127.0.0." + SERVER_IFACE + ":"
                        + SmbEnv.PORT + " within " + LISTEN_TIMEOUT_SECONDS + " s (no " + listener + "); alive="
                        + server.alive() + "; stderr:\n" + server.stderr());
            }
            Thread.sleep(50);
        }
    }
}
