package io.swrap.agent;

import io.swrap.shm.ProcessId;
import java.io.PrintStream;

/**
 * Logs like C socket_wrapper, one line per event on stderr:
 * {@code SWRAP_DEBUG[java:EchoServer (4711)] - swrap_connect: ...}. The level comes from
 * SOCKET_WRAPPER_DEBUGLEVEL: 0 error, 1 warn, 2 debug, 3 trace.
 */
public final class SwrapLog {
    public static final int ERROR = 0;
    public static final int WARN = 1;
    public static final int DEBUG = 2;
    public static final int TRACE = 3;
    private static final String[] NAMES = {"SWRAP_ERROR", "SWRAP_WARN", "SWRAP_DEBUG", "SWRAP_TRACE"};

    private static volatile int level = ERROR;
    private static final String PREFIX_TAIL = programName() + " (" + ProcessId.current() + ")] - ";

    private SwrapLog() {
    }

    public static void setLevel(int newLevel) {
        level = newLevel;
    }

    public static boolean enabled(int at) {
        return at <= level;
    }

    public static void log(int at, String function, String message) {
        if (at <= level) {
            PrintStream err = System.err;
            err.println(NAMES[at] + "[" + PREFIX_TAIL + function + ": " + message);
        }
    }

    public static void error(String function, String message) {
        log(ERROR, function, message);
    }

    public static void warn(String function, String message) {
        log(WARN, function, message);
    }

    public static void debug(String function, String message) {
        log(DEBUG, function, message);
    }

    public static void trace(String function, String message) {
        log(TRACE, function, message);
    }

    /** "java" plus the main class or jar, so lines of several JVMs can be told apart. */
    private static String programName() {
        String command = System.getProperty("sun.java.command", "");
        String main = command.isEmpty() ? "" : command.split(" ", 2)[0];
        main = main.substring(main.lastIndexOf('/') + 1);
        if (!main.endsWith(".jar") && !main.endsWith(".java")) {
            main = main.substring(main.lastIndexOf('.') + 1);
        }
        return main.isEmpty() ? "java" : "java:" + main;
    }
}
