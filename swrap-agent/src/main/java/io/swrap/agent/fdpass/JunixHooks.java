package io.swrap.agent.fdpass;

import io.swrap.agent.SwrapLog;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the advice on junixsocket's classes took. Those classes load late, from the
 * application's class loader, so premain cannot prove it as it does for java.base: instead the
 * first fd-passing operation loads every junixsocket class the agent advises and fails, naming
 * each problem, unless all were transformed. A send that silently carried no table indexes would
 * leave the receiver with sockets that have no fake addresses.
 */
public final class JunixHooks {
    private static final Set<String> TRANSFORMED = ConcurrentHashMap.newKeySet();
    private static final Map<String, String> PROBLEMS = new ConcurrentHashMap<>();
    private static volatile List<String> expected = List.of();
    private static volatile boolean verified;

    private JunixHooks() {
    }

    /** The classes the agent advises (set once, at start-up). */
    public static void expect(List<String> classNames) {
        expected = List.copyOf(classNames);
    }

    /** ByteBuddy transformed {@code className}. */
    public static void transformed(String className) {
        TRANSFORMED.add(className);
    }

    /** Something went wrong with {@code className}'s advice; reported now and at the first fd-passing. */
    public static void problem(String className, String problem) {
        PROBLEMS.put(className, problem);
        SwrapLog.error("swrap_init", "junixsocket " + className + ": " + problem
                + "; passing wrapped sockets through junixsocket will fail");
    }

    /** Throws unless every advised junixsocket class is loaded and transformed (checked once). */
    static void verify(ClassLoader loader) throws IOException {
        if (verified) {
            return;
        }
        for (String name : expected) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                PROBLEMS.putIfAbsent(name, "class not found");
            }
            if (!TRANSFORMED.contains(name)) {
                PROBLEMS.putIfAbsent(name, "not transformed");
            }
        }
        if (!PROBLEMS.isEmpty()) {
            throw new IOException("swrap-agent: fd-passing through junixsocket cannot carry wrapped sockets: "
                    + new TreeMap<>(PROBLEMS) + " (this agent knows junixsocket 2.11.x; run with"
                    + " SOCKET_WRAPPER_DEBUGLEVEL=3 for ByteBuddy's errors)");
        }
        verified = true;
    }
}
