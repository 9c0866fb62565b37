package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hooked JDK classes that the advised class cache holds are advised when the application first
 * loads them, after main has started, not before main. Fail closed: when that advice fails (here a
 * second agent renames the method the agent hooks in {@code DatagramChannelImpl}, as a JDK whose
 * internals moved would), the JVM stops at that class load instead of running an unwrapped socket.
 */
class LateAdviceIT {
    @TempDir
    Path dir;

    @Test
    void aHookedClassLoadingAfterMainIsAdvisedOrTheJvmStops() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path net = Files.createDirectories(dir.resolve("net"));
        Map<String, String> env = new HashMap<>(ChildProcess.net(net, 11));
        env.put("SWRAP_CACHE_DIR", cache.toString());
        Map<String, String> trace = new HashMap<>(env);
        trace.put("SOCKET_WRAPPER_DEBUGLEVEL", "3");
        for (int run = 1; run <= 2; run++) { // the first fills the advised class cache, the second defers
            try (ChildProcess p = ChildProcess.java("udp-" + run, trace, LateAdviceIT.class.getName())) {
                p.succeeds();
                assertEquals("main started", p.stdout().get(0), p.stderr());
                assertTrue(p.stdout().get(1).startsWith("bound "), p.stdout() + "\n" + p.stderr());
                if (run == 2) {
                    assertTrue(p.stderr().contains("advised when they load: [")
                            && p.stderr().contains("sun.nio.ch.DatagramChannelImpl"), p.stderr());
                }
            }
        }
        Path mangler = renamingAgent();
        try (ChildProcess p = ChildProcess.java("udp-renamed", env, List.of("-javaagent:" + mangler),
                LateAdviceIT.class.getName())) {
            assertEquals(1, p.waitFor(), p.stdout() + "\n" + p.stderr());
            assertEquals(List.of("main started"), p.stdout(), p.stderr());
            assertTrue(p.stderr().contains("swrap_init: cannot advise sun.nio.ch.DatagramChannelImpl as it loads:"),
                    p.stderr());
            assertTrue(p.stderr().contains("bindInternal"), "the message names the missing method: " + p.stderr());
            assertFalse(p.stderr().contains("bound /"), p.stderr());
        }
    }

    /** The child: main starts, then the first datagram channel loads DatagramChannelImpl. */
    public static void main(String[] args) throws IOException {
        System.out.println("main started");
        System.out.flush();
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(null);
            System.out.println("bound " + ch.getLocalAddress());
        }
    }

    /** A jar of {@link Renamer} as a java agent. */
    private Path renamingAgent() throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Premain-Class"), Renamer.class.getName());
        Path jar = dir.resolve("renamer.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            for (Class<?> c : List.of(Renamer.class, Renamer.Transformer.class)) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = LateAdviceIT.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Renames DatagramChannelImpl.bindInternal (a same-length name in its constant pool) as the class loads. */
    public static final class Renamer {
        private Renamer() {
        }

        public static void premain(String args, Instrumentation inst) {
            inst.addTransformer(new Transformer());
        }

        static final class Transformer implements ClassFileTransformer {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                                    ProtectionDomain domain, byte[] classFile) {
                if (!"sun/nio/ch/DatagramChannelImpl".equals(name)) {
                    return null;
                }
                byte[] from = "bindInternal".getBytes(StandardCharsets.US_ASCII);
                byte[] to = "bindInternaX".getBytes(StandardCharsets.US_ASCII);
                byte[] out = classFile.clone();
                for (int i = 0; i + from.length <= out.length; i++) {
                    int j = 0;
                    while (j < from.length && out[i + j] == from[j]) {
                        j++;
                    }
                    if (j == from.length) {
                        System.arraycopy(to, 0, out, i, to.length);
                    }
                }
                return out;
            }
        }
    }
}
