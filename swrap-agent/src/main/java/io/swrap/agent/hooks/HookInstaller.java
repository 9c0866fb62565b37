package io.swrap.agent.hooks;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.swrap.agent.StartupClock;
import io.swrap.agent.SwrapLog;
import io.swrap.agent.fdpass.FdPassing;
import io.swrap.agent.fdpass.JunixHooks;
import io.swrap.agent.net.FakeNetwork;
import java.io.FileDescriptor;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/** Installs the advices into java.base and proves that every one of them took. */
public final class HookInstaller {
    private static final String NET = "sun.nio.ch.Net";
    /** Every read and write of a JDK stream socket (channels and java.net.Socket) goes through it. */
    private static final String DISPATCHER = "sun.nio.ch.SocketDispatcher";
    private static final String DATAGRAM = "sun.nio.ch.DatagramChannelImpl";
    /** A connected DatagramChannel's read and write (and DatagramSocket's, through it). */
    private static final String DATAGRAM_DISPATCHER = "sun.nio.ch.DatagramDispatcher";
    // Host identity
    private static final String INET_ADDRESS = "java.net.InetAddress";
    private static final String NETIF = "java.net.NetworkInterface";
    private static final Class<?>[] NONE = {};

    /** Every hook of the agent. */
    static final List<Hook> HOOKS = List.of(
            new Hook(NET, "socket", new Class<?>[] {ProtocolFamily.class, boolean.class}, NetSocketAdvice.class),
            new Hook(NET, "serverSocket", new Class<?>[] {ProtocolFamily.class}, NetServerSocketAdvice.class),
            new Hook(NET, "bind", new Class<?>[] {ProtocolFamily.class, FileDescriptor.class, InetAddress.class,
                int.class}, NetBindAdvice.class),
            new Hook(NET, "connect", new Class<?>[] {ProtocolFamily.class, FileDescriptor.class,
                InetAddress.class, int.class}, NetConnectAdvice.class),
            new Hook(NET, "localAddress", new Class<?>[] {FileDescriptor.class}, NetLocalAddressAdvice.class),
            new Hook(NET, "remoteAddress", new Class<?>[] {FileDescriptor.class}, NetRemoteAddressAdvice.class),
            new Hook(NET, "setSocketOption", new Class<?>[] {FileDescriptor.class, ProtocolFamily.class,
                SocketOption.class, Object.class}, NetSetOptionAdvice.class),
            new Hook(NET, "getSocketOption", new Class<?>[] {FileDescriptor.class, ProtocolFamily.class,
                SocketOption.class}, NetGetOptionAdvice.class),
            new Hook("sun.nio.ch.ServerSocketChannelImpl", "finishAccept",
                new Class<?>[] {FileDescriptor.class, SocketAddress.class}, FinishAcceptAdvice.class),
            new Hook("sun.nio.ch.UnixAsynchronousServerSocketChannelImpl", "finishAccept",
                new Class<?>[] {FileDescriptor.class, InetSocketAddress.class}, FinishAcceptAdvice.class),
            new Hook("sun.nio.ch.NioSocketImpl", "accept", new Class<?>[] {SocketImpl.class},
                NioSocketImplAcceptAdvice.class),
            new Hook("sun.nio.ch.SocketChannelImpl", "shutdownOutput", NONE, ShutdownOutputAdvice.class), // pcap
            new Hook("sun.nio.ch.NioSocketImpl", "shutdownOutput", NONE, ShutdownOutputAdvice.class), // pcap
            // pcap: a SocketChannel's close shuts its output down (native Net.shutdown) before preClose
            new Hook("sun.nio.ch.SocketChannelImpl", "implCloseSelectableChannel", NONE, ShutdownOutputAdvice.class),
            new Hook("sun.nio.ch.UnixDispatcher", "implPreClose", new Class<?>[] {FileDescriptor.class, long.class,
                long.class}, PreCloseAdvice.class), // pcap
            new Hook("sun.nio.ch.UnixDispatcher", "close", new Class<?>[] {FileDescriptor.class},
                DispatcherCloseAdvice.class),
            new Hook(DISPATCHER, "read", new Class<?>[] {FileDescriptor.class, long.class, int.class},
                SocketReadAdvice.class),
            new Hook(DISPATCHER, "readv", new Class<?>[] {FileDescriptor.class, long.class, int.class},
                SocketReadvAdvice.class), // faults: readv returns long
            new Hook(DISPATCHER, "write", new Class<?>[] {FileDescriptor.class, long.class, int.class},
                SocketWriteAdvice.class),
            new Hook(DISPATCHER, "writev", new Class<?>[] {FileDescriptor.class, long.class, int.class},
                SocketWritevAdvice.class), // pcap: the iovecs' data
            // UDP
            new Hook(DATAGRAM, "bindInternal", new Class<?>[] {SocketAddress.class}, DatagramBindAdvice.class),
            new Hook(DATAGRAM, "receiveIntoNativeBuffer", new Class<?>[] {ByteBuffer.class, int.class, int.class,
                boolean.class}, DatagramReceiveAdvice.class),
            new Hook(DATAGRAM, "sourceSocketAddress", new Class<?>[] {}, DatagramSenderAdvice.class),
            new Hook(DATAGRAM, "sendFromNativeBuffer", new Class<?>[] {FileDescriptor.class, ByteBuffer.class,
                InetSocketAddress.class}, DatagramSendAdvice.class),
            new Hook(DATAGRAM, "disconnect", new Class<?>[] {}, DatagramDisconnectAdvice.class),
            new Hook(DATAGRAM, "innerJoin", new Class<?>[] {InetAddress.class, NetworkInterface.class,
                InetAddress.class}, DatagramJoinAdvice.class),
            new Hook("sun.nio.ch.DatagramSocketAdaptor", "joinGroup", new Class<?>[] {SocketAddress.class,
                NetworkInterface.class}, DatagramAdaptorJoinAdvice.class),
            new Hook(DATAGRAM, "getOption", new Class<?>[] {SocketOption.class}, DatagramMulticastIfGetAdvice.class),
            new Hook(DATAGRAM, "setOption", new Class<?>[] {SocketOption.class, Object.class},
                DatagramMulticastIfSetAdvice.class),
            new Hook(DATAGRAM, "getLocalAddress", new Class<?>[] {}, DatagramLocalAddressAdvice.class),
            new Hook(DATAGRAM, "localAddress", new Class<?>[] {}, DatagramLocalAddressAdvice.class),
            new Hook(DATAGRAM_DISPATCHER, "read", new Class<?>[] {FileDescriptor.class, long.class, int.class},
                DatagramReadAdvice.class),
            new Hook(DATAGRAM_DISPATCHER, "readv", new Class<?>[] {FileDescriptor.class, long.class, int.class},
                DatagramReadvAdvice.class),
            new Hook(DATAGRAM_DISPATCHER, "write", new Class<?>[] {FileDescriptor.class, long.class, int.class},
                DatagramWriteAdvice.class),
            new Hook(DATAGRAM_DISPATCHER, "writev", new Class<?>[] {FileDescriptor.class, long.class, int.class},
                DatagramWritevAdvice.class),
            // Fail closed: reachability probes (a real ICMP echo or TCP connect to port 7) are answered
            new Hook("java.net.InetAddress", "isReachable", new Class<?>[] {NetworkInterface.class, int.class,
                int.class}, IsReachableAdvice.class),
            // Process trees: children of a JVM with C socket_wrapper switched off still inherit the network
            new Hook("java.lang.ProcessBuilder", "start", new Class<?>[] {ProcessBuilder.Redirect[].class},
                ProcessStartAdvice.class),
            // Host identity
            new Hook(INET_ADDRESS, "getLocalHost", NONE, LocalHostAdvice.class),
            new Hook(NETIF, "getByName", new Class<?>[] {String.class}, InterfaceByNameAdvice.class),
            new Hook(NETIF, "getByIndex", new Class<?>[] {int.class}, InterfaceByIndexAdvice.class),
            new Hook(NETIF, "getByInetAddress", new Class<?>[] {InetAddress.class}, InterfaceByAddressAdvice.class),
            new Hook(NETIF, "getNetworkInterfaces", NONE, InterfaceListAdvice.class),
            new Hook(NETIF, "networkInterfaces", NONE, InterfaceStreamAdvice.class),
            new Hook(NETIF, "isUp", NONE, InterfaceQueryAdvice.class),
            new Hook(NETIF, "isLoopback", NONE, InterfaceQueryAdvice.class),
            new Hook(NETIF, "isPointToPoint", NONE, InterfaceQueryAdvice.class),
            new Hook(NETIF, "supportsMulticast", NONE, InterfaceQueryAdvice.class),
            new Hook(NETIF, "getMTU", NONE, InterfaceQueryAdvice.class),
            new Hook(NETIF, "getHardwareAddress", NONE, InterfaceQueryAdvice.class));

    private static final String JUNIX = "org.newsclub.net.unix.";
    private static final String ANCILLARY = JUNIX + "AncillaryDataSupport";

    /** fd-passing through junixsocket (2.11.x): advised when the application loads these classes. */
    static final List<LateHook> JUNIX_HOOKS = List.of(
            new LateHook(ANCILLARY, "setOutboundFileDescriptors", List.of("int[]"), JunixOutboundAdvice.class),
            new LateHook(ANCILLARY, "receiveFileDescriptors", List.of("int[]"), JunixReceiveAdvice.class),
            new LateHook(ANCILLARY, "close", List.of(), JunixCloseAdvice.class),
            new LateHook(JUNIX + "AFCore", "write", List.of("java.nio.ByteBuffer", JUNIX + "AFSupplier",
                "java.net.SocketAddress", "int"), JunixSentAdvice.class),
            new LateHook(JUNIX + "AFDatagramSocketImpl", "send", List.of("java.net.DatagramPacket"),
                JunixSentAdvice.class),
            new LateHook(JUNIX + "AFSocketImpl$AFOutputStreamImpl", "write", List.of("int"),
                JunixStreamSentAdvice.class),
            new LateHook(JUNIX + "AFSocketImpl$AFOutputStreamImpl", "write", List.of("byte[]", "int", "int"),
                JunixStreamSentAdvice.class));

    /** ByteBuddy's view of the advice, made on first use: a start served by the cache never loads it. */
    private static final class Parsed {
        /**
         * Where ByteBuddy reads the advice class files: this jar is on the boot class path, where
         * {@code getResource} finds nothing, but the JVM also puts every agent jar on the system class path.
         */
        static final ClassFileLocator ADVICE_LOCATOR = ClassFileLocator.ForClassLoader.ofSystemLoader();
        /**
         * Advice classes described from their class files, not by reflection: reflection would parse
         * their annotations into proxy instances, which costs more than the rest of the description.
         */
        static final TypePool ADVICE_POOL = TypePool.Default.of(ADVICE_LOCATOR);
        /** Parsed advice, by class: several hooks share one (InterfaceQueryAdvice advises six methods). */
        static final Map<Class<?>, Advice> ADVICE = new ConcurrentHashMap<>();
    }

    /** What {@link #checkLoaded} checks: set by {@link #install}. */
    private static final class Installed {
        final Instrumentation inst;
        final AdviceTransformer transformer;
        final List<String> targetNames;
        final Set<String> transformed;
        final Map<String, Throwable> errors;
        final FailClosedHooks failClosed;

        Installed(Instrumentation inst, AdviceTransformer transformer, List<String> targetNames,
                  Set<String> transformed, Map<String, Throwable> errors, FailClosedHooks failClosed) {
            this.inst = inst;
            this.transformer = transformer;
            this.targetNames = targetNames;
            this.transformed = transformed;
            this.errors = errors;
            this.failClosed = failClosed;
        }
    }

    private static volatile Installed installed;

    private HookInstaller() {
    }

    /**
     * Proves that every hooked JDK class loaded so far is advised, and that the transformer is called
     * for classes loading from now on (it advises the others as they load, or stops the JVM); throws
     * {@link IllegalStateException} listing what failed. Run at the end of {@link #install} and after
     * the self-check (whose probe channel loads more of them).
     */
    public static void checkLoaded() {
        Installed in = installed;
        if (in == null) {
            throw new IllegalStateException("the hooks are not installed (HookInstaller.install has not run)");
        }
        Map<String, Class<?>> loaded = loadedTargets(in.inst, in.targetNames);
        List<String> problems = new ArrayList<>();
        List<String> advised = new ArrayList<>();
        for (String className : in.targetNames) {
            if (FailClosedHooks.SCTP_NET.equals(className)) {
                continue; // FailClosedHooks keeps its own record
            }
            Throwable t = in.errors.get(className);
            if (t != null) {
                problems.add(className + ": " + t);
            } else if (loaded.containsKey(className) && !in.transformed.contains(className)) {
                problems.add(className + " is loaded but was not transformed");
            } else if (loaded.containsKey(className)) {
                advised.add(className);
            }
        }
        if (!in.transformer.probe()) {
            problems.add("the agent's class file transformer was not called for a class loading after it was"
                    + " registered: hooked JDK classes loading later would not be advised");
        }
        if (!problems.isEmpty()) {
            IllegalStateException ex = new IllegalStateException("hooks failed to install: "
                    + String.join("; ", problems));
            for (Throwable t : in.errors.values()) {
                ex.addSuppressed(t);
            }
            throw ex;
        }
        in.failClosed.verify(loaded.containsKey(FailClosedHooks.SCTP_NET));
        if (SwrapLog.enabled(SwrapLog.TRACE)) {
            SwrapLog.trace("swrap_init", "checked: " + advised.size() + " hooked JDK classes loaded and advised "
                    + advised + "; the others are advised when they load");
        }
    }

    /** The hooked JDK classes the boot loader has loaded, by name (none is loaded by asking). */
    private static Map<String, Class<?>> loadedTargets(Instrumentation inst, List<String> targetNames) {
        Set<String> names = new HashSet<>(targetNames);
        Map<String, Class<?>> loaded = new HashMap<>();
        for (Class<?> c : inst.getInitiatedClasses(null)) {
            if (names.contains(c.getName())) {
                loaded.put(c.getName(), c);
            }
        }
        return loaded;
    }

    static Advice advice(Class<?> adviceClass) {
        return Parsed.ADVICE.computeIfAbsent(adviceClass,
                c -> Advice.to(Parsed.ADVICE_POOL.describe(c.getName()).resolve(), Parsed.ADVICE_LOCATOR));
    }

    /**
     * Installs all hooks, or throws {@link IllegalStateException} listing every hook that failed: an
     * agent that silently does nothing would let a test talk to the real network.
     */
    public static void install(Instrumentation inst, FakeNetwork network, Path cacheDir, StartupClock clock) {
        SocketHooks.install(network);
        FailClosed.install(network);
        FdPassing.install(network);
        clock.phase("hook helpers");

        // Loops, not lambdas, on the way to main: each lambda spins a class at its first use
        Map<String, List<Hook>> byClass = new LinkedHashMap<>();
        for (Hook h : HOOKS) {
            byClass.putIfAbsent(h.className(), new ArrayList<>());
            byClass.get(h.className()).add(h);
        }
        Map<String, List<LateHook>> lateByClass = new LinkedHashMap<>();
        for (LateHook h : JUNIX_HOOKS) {
            lateByClass.putIfAbsent(h.className(), new ArrayList<>());
            lateByClass.get(h.className()).add(h);
        }
        JunixHooks.expect(List.copyOf(lateByClass.keySet()));
        Set<String> transformed = ConcurrentHashMap.newKeySet();
        Map<String, Throwable> errors = new ConcurrentHashMap<>();
        List<AdviceRule> rules = new ArrayList<>();
        rules.add(new AdviceRule() {
            @Override
            public boolean appliesTo(String className) {
                return byClass.containsKey(className);
            }

            @Override
            public AsmVisitorWrapper advice(TypeDescription type, ClassLoader loader) {
                List<AsmVisitorWrapper> advices = new ArrayList<>();
                for (Hook h : byClass.get(type.getName())) {
                    // the class may load after main: its method is checked here, not by reflection before
                    if (type.getDeclaredMethods().filter(named(h.methodName())
                            .and(takesArguments(h.parameters()))).isEmpty()) {
                        throw new IllegalStateException("the JDK's socket internals differ from what this agent"
                                + " knows (Java " + Runtime.version() + "): method " + h + " not found");
                    }
                    advices.add(HookInstaller.advice(h.advice()).on(named(h.methodName()).and(takesArguments(h.parameters()))));
                }
                return new AsmVisitorWrapper.Compound(advices);
            }

            @Override
            public void transformed(String className, ClassLoader loader) {
                transformed.add(className);
            }

            @Override
            public void failed(String className, ClassLoader loader, Throwable error) {
                errors.put(className, error);
            }
        });
        rules.add(new AdviceRule() {
            @Override
            public boolean appliesTo(String className) {
                return lateByClass.containsKey(className);
            }

            @Override
            public AsmVisitorWrapper advice(TypeDescription type, ClassLoader loader) {
                List<AsmVisitorWrapper> advices = new ArrayList<>();
                for (LateHook h : lateByClass.get(type.getName())) {
                    if (type.getDeclaredMethods().filter(h.matcher()).isEmpty()) {
                        JunixHooks.problem(type.getName(), "method " + h + " not found");
                    }
                    advices.add(HookInstaller.advice(h.advice()).on(h.matcher()));
                }
                return new AsmVisitorWrapper.Compound(advices);
            }

            @Override
            public void transformed(String className, ClassLoader loader) {
                JunixHooks.transformed(className);
            }

            @Override
            public void failed(String className, ClassLoader loader, Throwable error) {
                SwrapLog.error("swrap_fdpass", className + " (class loader " + loader + "): advice failed: " + error);
                JunixHooks.problem(className, "advice failed: " + error);
            }
        });
        // Fail closed: native transports and SCTP, outside java.base
        FailClosedHooks failClosed = new FailClosedHooks(inst);
        rules.addAll(failClosed.rules());
        // The JDK classes to advise: those the advised class cache holds are left to load when the
        // application needs them (the transformer advises them then, or stops the JVM); the others
        // are loaded now, so that ByteBuddy runs at start-up and fills the cache
        List<String> targetNames = new ArrayList<>(byClass.keySet());
        targetNames.addAll(failClosed.targetNames());
        AdvisedClassCache cache = AdvisedClassCache.open(cacheDir);
        Set<String> cached = cache.preload(targetNames);
        AdviceTransformer transformer = new AdviceTransformer(rules, cache);
        inst.addTransformer(transformer, true);
        clock.phase("advice rules");
        Map<String, Class<?>> loaded = loadedTargets(inst, targetNames);
        List<Class<?>> retransform = new ArrayList<>();
        Set<String> deferred = new HashSet<>();
        // Each hook's method is looked for in the class file as it is advised (a cache entry is only
        // made for advice that found them), not by reflection, which loads every type the class names
        for (String className : targetNames) {
            Class<?> c = loaded.get(className);
            if (transformer.saw(className)) {
                continue; // loaded since the transformer is there, and advised then
            }
            if (c != null) {
                retransform.add(c); // loaded by the JVM's or this agent's start, before the transformer
            } else if (cached.contains(className)) {
                deferred.add(className);
            } else {
                try {
                    Class.forName(className, false, null); // advised by the transformer as it loads
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("class " + className + " not found in Java " + Runtime.version()
                            + ": the JDK's socket internals differ from what this agent knows", e);
                }
            }
        }
        // Those loaded before the transformer was there are retransformed in one pass: the JVM stops
        // the world once
        if (!retransform.isEmpty()) {
            try {
                inst.retransformClasses(retransform.toArray(new Class<?>[0]));
            } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
                throw new IllegalStateException("the JVM refused the advised classes " + retransform + ": " + e, e);
            }
        }
        // From here a hooked class that fails its advice as it loads stops the JVM
        transformer.require(new HashSet<>(targetNames));
        installed = new Installed(inst, transformer, targetNames, transformed, errors, failClosed);
        if (SwrapLog.enabled(SwrapLog.TRACE)) {
            SwrapLog.trace("swrap_init", "retransformed " + retransform.size() + " classes loaded before the agent: "
                    + retransform.stream().map(Class::getName).toList() + "; advised when they load: " + deferred);
        }
        clock.phase("load and advise targets");
        checkLoaded();
        if (!SwrapLog.enabled(SwrapLog.TRACE)) {
            return; // each Hook's toString streams its parameters: built only to be printed
        }
        for (Hook h : HOOKS) {
            SwrapLog.trace("swrap_init", "hook " + h);
        }
        for (LateHook h : JUNIX_HOOKS) {
            SwrapLog.trace("swrap_init", "hook, when junixsocket loads: " + h);
        }
    }
}
