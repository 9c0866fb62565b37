package io.swrap.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.util.function.BiConsumer;
import java.util.jar.JarFile;

/**
 * The {@code Premain-Class}, compiled for Java 8 (a separate compiler execution) so that an older
 * JVM can load it and be told in one line which Java it needs, instead of aborting with an
 * {@code UnsupportedClassVersionError}. On Java 25 it makes sure this jar is on the boot class
 * path (the manifest's {@code Boot-Class-Path} normally did that already) and hands over to
 * {@link Bootstrap} loaded there. Only Java 8 API may be used here.
 */
public final class SwrapAgent {
    /** The Java feature release the rest of the agent is compiled for. */
    static final int REQUIRED_JAVA = 25;

    /**
     * {@code Bootstrap.start}, set by {@code io.swrap.agent.Handover}'s static initializer when this
     * class was loaded by the boot loader (the usual case: the jar is on the boot class path).
     */
    static volatile BiConsumer<String, Instrumentation> handover;

    private SwrapAgent() {
    }

    public static void premain(String agentArgs, Instrumentation inst) {
        start(agentArgs, inst);
    }

    public static void agentmain(String agentArgs, Instrumentation inst) {
        start(agentArgs, inst);
    }

    private static void start(String agentArgs, Instrumentation inst) {
        String spec = System.getProperty("java.specification.version", "0");
        int running = featureRelease(spec);
        if (running < REQUIRED_JAVA) {
            System.err.println("swrap-agent: needs Java " + REQUIRED_JAVA + " or later, but this JVM is Java "
                    + spec + " (" + System.getProperty("java.home") + "); run it with a JDK " + REQUIRED_JAVA
                    + " java (JAVA_HOME set to a JDK " + REQUIRED_JAVA + ", or its bin/java on PATH)");
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
        try {
            if (SwrapAgent.class.getClassLoader() != null) {
                // The manifest's Boot-Class-Path names the jar "swrap-agent.jar"; a renamed jar lands
                // here and is appended now (the JVM then warns that CDS covers boot classes only).
                File jar = new File(SwrapAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            }
            if (SwrapAgent.class.getClassLoader() == null) {
                // a plain interface call: reflection's Method.invoke would spin method handles first
                Class.forName("io.swrap.agent.Handover", true, null);
                handover.accept(agentArgs, inst);
                return;
            }
            // loaded by another loader than Bootstrap's: Handover would set the boot loader's copy of this class
            Class.forName("io.swrap.agent.Bootstrap", true, null)
                    .getMethod("start", String.class, Instrumentation.class)
                    .invoke(null, agentArgs, inst);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("swrap-agent failed to start", e.getCause());
        } catch (ReflectiveOperationException | URISyntaxException | java.io.IOException e) {
            System.err.println("swrap-agent: cannot put the agent jar on the boot class path: " + e);
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    /** "1.8" is 8, "17" is 17; anything unreadable counts as too old. */
    static int featureRelease(String spec) {
        String s = spec.startsWith("1.") ? spec.substring(2) : spec;
        int dot = s.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
