package io.swrap.agent;

import io.swrap.agent.config.ConfigException;
import io.swrap.agent.config.SwrapConfig;
import io.swrap.agent.faults.Faults;
import io.swrap.agent.hooks.HookInstaller;
import io.swrap.agent.hooks.IdentityHooks;
import io.swrap.agent.names.FakeResolver;
import io.swrap.agent.net.FakeInterfaces;
import io.swrap.agent.net.FakeNetwork;
import io.swrap.agent.net.UnixSockets;
import io.swrap.agent.pcap.Capture;
import io.swrap.agent.shaping.LinkShaper;
import io.swrap.agent.table.SocketTable;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Map;
import java.util.Set;

/**
 * The agent's start, running from the boot class path (the inlined advice in java.base can only
 * call classes there). Any failure stops the JVM with a message: an agent that silently does
 * nothing would let a test reach the real network.
 */
public final class Bootstrap {
    /** Set by the first start: a JVM given the agent twice (JAVA_TOOL_OPTIONS and -javaagent) installs it once. */
    private static boolean started;

    private Bootstrap() {
    }

    public static synchronized void start(String agentArgs, Instrumentation inst) {
        if (started) {
            SwrapLog.debug("swrap_init", "the agent is given twice (JAVA_TOOL_OPTIONS and -javaagent?): already on");
            return;
        }
        started = true;
        // The relocated ByteBuddy reads this (shading rewrites the name); it keeps ByteBuddy off
        // sun.misc.Unsafe, whose use JDK 25 reports with a warning.
        System.setProperty("net.bytebuddy.safe", "true");
        SwrapConfig config;
        try {
            config = SwrapConfig.load(System.getenv(), agentArgs);
        } catch (ConfigException e) {
            throw fail("invalid configuration: " + e.getMessage(), e);
        }
        SwrapLog.setLevel(config.debugLevel());
        if (!config.enabled()) {
            if (config.requireDir()) {
                throw fail("SOCKET_WRAPPER_DIR is not set (and SWRAP_REQUIRE_DIR=1 / agent argument"
                        + " require=1 asks for it): set it to the fake network's socket directory",
                        new IllegalStateException("SOCKET_WRAPPER_DIR unset"));
            }
            System.err.println("swrap-agent: warning: SOCKET_WRAPPER_DIR is not set: this JVM (pid "
                    + ProcessHandle.current().pid() + ") uses the real network; set it to the fake network's"
                    + " directory, or SWRAP_REQUIRE_DIR=1 to make this fatal");
            return;
        }
        StartupClock clock = new StartupClock();
        try {
            PreloadedSocketWrapper.neutralise();
            openJavaBase(inst);
            clock.phase("preload, open java.base");
            UnixSockets.init();
            clock.phase("JDK unix sockets");
            FakeNetwork network = new FakeNetwork(config);
            // the table mapped, not locked: the stale sweep runs before the first locked section
            clock.phase("table mapping");
            // Host identity
            IdentityHooks.install(new FakeResolver(config.identity(), network.addressMap()),
                    new FakeInterfaces(network.addressMap(), config.identity().interfaces(), config.mtu()));
            clock.phase("resolver install");
            // pcap: before the hooks, so the first wrapped send is captured
            if (config.pcapFile() != null) {
                Capture.start(config.pcapFile(), network.table(), network.addressMap(), config.mtu());
            }
            if (!config.links().isEmpty()) {
                LinkShaper.start(config.dir(), config.links()); // link emulation, before the first write
            }
            HookInstaller.install(inst, network, config.cacheDir(), clock);
            Faults.startWatcher(network.table()); // faults: resets set from outside
            selfCheck(network);
            // the probe channel loaded more hooked classes: each must be advised, and the transformer
            // must still be called for those the application loads later
            HookInstaller.checkLoaded();
            clock.phase("self-check");
            String hold = System.getProperty(SocketTable.HOLD_LOCK_PROPERTY);
            if (hold != null) {
                network.table().armHoldLockTestHook(Integer.parseInt(hold));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() { // no class spun before main
                @Override
                public void run() {
                    network.unlinkAll();
                }
            }, "swrap-unlink"));
        } catch (RuntimeException | Error | IOException e) {
            throw fail("cannot wrap sockets: " + e.getMessage(), e);
        }
        if (SwrapLog.enabled(SwrapLog.DEBUG)) { // the records' toString spins method handles: not before main for nothing
            SwrapLog.debug("swrap_init", "socket wrapping on: " + config);
        }
        checkAotCache(System.getenv("JAVA_TOOL_OPTIONS"), System.getProperty("java.vm.info", ""));
    }

    /**
     * Says so when the JVM was given the agent's AOT cache (by scripts/swrap-run, in JAVA_TOOL_OPTIONS) but
     * does not use it: the JVM only warns, in its own words, and starts slower; nothing else changes.
     * {@code java.vm.info} names "sharing" when classes come from a CDS archive or an AOT cache.
     */
    static void checkAotCache(String toolOptions, String vmInfo) {
        if (toolOptions == null || vmInfo.contains("sharing")) {
            return;
        }
        for (String option : toolOptions.split(" ")) {
            if (option.startsWith("-XX:AOTCache=")) {
                SwrapLog.warn("swrap_init", "this JVM does not use the AOT cache " + option.substring(13)
                        + " (its [aot] lines above say why): it starts slower, sockets are wrapped all the same."
                        + " A damaged cache: delete it and scripts/swrap-run builds it again; a JVM with other"
                        + " module options, -Xshare or GC than the cache's refuses it too");
                return;
            }
        }
    }

    /**
     * Lets the advice inlined into java.base call this module, and this module reach JDK internals
     * ({@code jdk.internal.misc}: the boot class path the JVM started with, which names the agent jar).
     */
    private static void openJavaBase(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module self = Bootstrap.class.getModule();
        Set<Module> to = Set.of(self);
        inst.redefineModule(base, to, Map.of("sun.nio.ch", to, "jdk.internal.misc", to),
                Map.of("sun.nio.ch", to, "java.io", to, "java.net", to), Set.of(), Map.of());
    }

    /** Proves the hooks are live: a new channel must reach the agent, and the host's identity must be the fake one. */
    private static void selfCheck(FakeNetwork network) throws IOException {
        network.checkHooks();
        // Host identity: the host's own name and interfaces must not show through
        InetAddress expected = network.addressMap().hostAddress(false, network.addressMap().defaultIface());
        if (!InetAddress.getLocalHost().equals(expected)) {
            throw new IllegalStateException("self-check: InetAddress.getLocalHost() is " + InetAddress.getLocalHost()
                    + ", not the default interface's " + expected.getHostAddress());
        }
        if (NetworkInterface.getByInetAddress(expected) == null) {
            throw new IllegalStateException("self-check: NetworkInterface does not list the default interface "
                    + expected.getHostAddress());
        }
    }

    private static IllegalStateException fail(String message, Throwable cause) {
        System.err.println("swrap-agent: " + message);
        System.err.println("swrap-agent: stopping the JVM (pid " + ProcessHandle.current().pid()
                + ") rather than run without a working fake network");
        if (SwrapLog.enabled(SwrapLog.DEBUG)) {
            cause.printStackTrace();
        }
        System.err.flush();
        Runtime.getRuntime().halt(1);
        return new IllegalStateException(message, cause);
    }
}
