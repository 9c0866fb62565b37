package io.swrap.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.util.jar.JarFile;

/**
 * The {@code Premain-Class}. It makes sure this jar is on the boot class path (the manifest's
 * {@code Boot-Class-Path} normally did that already) and hands over to {@link Bootstrap} loaded there. When SOCKET_WRAPPER_DIR is
 * unset (and no {@code dir=} argument is given) it does nothing at all, so the JVM behaves exactly
 * as without the agent.
 */
public final class SwrapAgent {
    private SwrapAgent() {
    }

    public static void premain(String agentArgs, Instrumentation inst) {
        start(agentArgs, inst);
    }

    public static void agentmain(String agentArgs, Instrumentation inst) {
        start(agentArgs, inst);
    }

    private static void start(String agentArgs, Instrumentation inst) {
        String dir = System.getenv("SOCKET_WRAPPER_DIR");
        boolean dirArg = agentArgs != null && (agentArgs.startsWith("dir=") || agentArgs.contains(",dir="));
        if ((dir == null || dir.isEmpty()) && !dirArg) {
            return;
        }
        try {
            if (SwrapAgent.class.getClassLoader() != null) {
                // The manifest's Boot-Class-Path names the jar "swrap-agent.jar"; a renamed jar lands
                // here and is appended now (the JVM then warns that CDS covers boot classes only).
                File jar = new File(SwrapAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            }
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
}
