package io.swrap.junit;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where the agent jar and libsocket_wrapper are, and what the kernel says of the network's unix sockets. */
final class Tools {
    /** System property naming the agent jar (else the jar the agent's classes were loaded from). */
    static final String AGENT_JAR_PROPERTY = "swrap.agent.jar";
    /** System property naming libsocket_wrapper.so (else where {@code dpkg -L libsocket-wrapper} has it). */
    static final String LIBSOCKET_WRAPPER_PROPERTY = "swrap.libsocket_wrapper";
    private static final long DPKG_TIMEOUT_SECONDS = 30;
    /** /proc/net/unix Flags of a listening socket (__SO_ACCEPTCON). */
    private static final int SO_ACCEPTCON = 0x10000;
    /** How often the orphan check reads /proc/net/unix. */
    static final int READS = 3;

    private Tools() {
    }

    static Path agentJar() {
        String p = System.getProperty(AGENT_JAR_PROPERTY);
        Path jar;
        if (p != null && !p.isEmpty()) {
            jar = Path.of(p);
        } else {
            try {
                jar = Path.of(io.swrap.agent.SwrapAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException | RuntimeException e) {
                throw new IllegalStateException("cannot tell where the swrap agent's jar is (" + e + "): set -D"
                        + AGENT_JAR_PROPERTY + "=/path/to/swrap-agent.jar", e);
            }
        }
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            throw new IllegalStateException("the swrap agent jar " + jar + " is not a jar file (a class directory"
                    + " cannot be a -javaagent): package swrap-agent, or set -D" + AGENT_JAR_PROPERTY + "=/path/to/swrap-agent.jar");
        }
        return jar.toAbsolutePath();
    }

    static Path libsocketWrapper() throws IOException {
        String p = System.getProperty(LIBSOCKET_WRAPPER_PROPERTY);
        if (p != null && !p.isEmpty()) {
            return Path.of(p);
        }
        Process dpkg = new ProcessBuilder("dpkg", "-L", "libsocket-wrapper").redirectErrorStream(true).start();
        String out = new String(dpkg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!dpkg.waitFor(DPKG_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                dpkg.destroyForcibly();
                throw new IOException("dpkg -L libsocket-wrapper did not finish within " + DPKG_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted running dpkg -L libsocket-wrapper");
        }
        for (String line : out.split("\n")) {
            if (line.endsWith("/libsocket_wrapper.so") && Files.isRegularFile(Path.of(line))) {
                return Path.of(line);
            }
        }
        throw new IOException("libsocket_wrapper.so not found (dpkg -L libsocket-wrapper: " + out.strip()
                + "): apt-get install -y libsocket-wrapper, or set -D" + LIBSOCKET_WRAPPER_PROPERTY + "=/path/to/libsocket_wrapper.so");
    }

    /** The fake interface of a fake address: 127.0.0.X, 10.53.57.X or fd00::5357:5fXX. */
    static int iface(String host) throws IOException {
        byte[] a = InetAddress.getByName(host).getAddress();
        boolean v4 = a.length == 4 && ((a[0] == 127 && a[1] == 0 && a[2] == 0) || (a[0] == 10 && a[1] == 53 && a[2] == 57));
        boolean v6 = a.length == 16 && (a[0] & 0xFF) == 0xfd && a[12] == 0x53 && a[13] == 0x57 && a[14] == 0x5f;
        int iface = a[a.length - 1] & 0xFF;
        if (!(v4 || v6) || iface < 1 || iface > 64) {
            throw new IllegalArgumentException(host + " is not a fake interface's address (127.0.0.X, 10.53.57.X,"
                    + " fd00::5357:5fXX with X 1..64)");
        }
        return iface;
    }

    /** Whether a unix socket bound to one of {@code files} in {@code dir} listens (/proc/net/unix). */
    static boolean unixListener(Path dir, List<String> files) throws IOException {
        for (String[] f : unixSockets()) {
            if ((Integer.parseInt(f[3], 16) & SO_ACCEPTCON) != 0) {
                for (String name : files) {
                    if (f[7].equals(dir.resolve(name).toString())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The paths of the unix sockets some process still has bound in {@code dir}. /proc/net/unix is read
     * {@value #READS} times: a read that spans several chunks can miss sockets while others come and go.
     */
    static List<String> boundUnixSockets(Path dir) throws IOException, InterruptedException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        String prefix = dir + "/";
        for (int i = 0; i < READS; i++) {
            for (String[] f : unixSockets()) {
                if (f[7].startsWith(prefix)) {
                    out.add(f[7]);
                }
            }
            Thread.sleep(20);
        }
        return List.copyOf(out);
    }

    /** /proc/net/unix's sockets that have a path: Num RefCount Protocol Flags Type St Inode Path. */
    private static List<String[]> unixSockets() throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
            String[] f = line.trim().split("\\s+", 8);
            if (f.length == 8 && f[7].startsWith("/")) {
                out.add(f);
            }
        }
        return out;
    }
}
