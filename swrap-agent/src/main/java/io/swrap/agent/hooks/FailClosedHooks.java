package io.swrap.agent.hooks;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.swrap.agent.SwrapLog;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * The fail-closed hooks outside java.base: Netty's native transports, whichever package a library
 * relocated Netty to (gRPC's {@code io.grpc.netty.shaded.io.netty}), report unavailable so Netty
 * falls back to NIO, which the agent wraps; SCTP sockets are refused.
 */
final class FailClosedHooks {
    /**
     * The availability classes of Netty's native transports, by name suffix so that relocated
     * copies match: 4.2's epoll and io_uring, 4.1's incubator io_uring, and kqueue (BSD, macOS).
     */
    static final List<String> NATIVE_TRANSPORTS = List.of(".channel.epoll.Epoll", ".channel.uring.IoUring",
            ".incubator.channel.uring.IOUring", ".channel.kqueue.KQueue");
    /** Their three static methods that every Netty version has and every caller goes through. */
    private static final Map<String, Class<?>> NATIVE_METHODS = Map.of(
            "isAvailable", NativeAvailableAdvice.class,
            "ensureAvailability", NativeEnsureAdvice.class,
            "unavailabilityCause", NativeCauseAdvice.class);
    private static final String SCTP_NET = "sun.nio.ch.sctp.SctpNet";
    private static final ClassFileLocator ADVICE_LOCATOR = ClassFileLocator.ForClassLoader.ofSystemLoader();

    private FailClosedHooks() {
    }

    static void install(Instrumentation inst) {
        Optional<Module> sctp = ModuleLayer.boot().findModule("jdk.sctp");
        Set<String> transformed = ConcurrentHashMap.newKeySet();
        Map<String, Throwable> errors = new ConcurrentHashMap<>();
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .ignore(none())
                .with(new AgentBuilder.Listener.Adapter() {
                    @Override
                    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
                                                 boolean loaded, DynamicType dynamicType) {
                        transformed.add(type.getName());
                        if (nativeTransport(type.getName())) {
                            FailClosed.nativeTransportDisabled(type.getName(), loader);
                        }
                    }

                    @Override
                    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                                        Throwable throwable) {
                        errors.put(typeName, throwable);
                        if (nativeTransport(typeName)) {
                            SwrapLog.error("swrap_native_transport", typeName + " (class loader " + loader
                                    + ") could not be disabled, its native sockets may bypass the fake network: "
                                    + throwable);
                        }
                    }
                });
        builder = builder.type(FailClosedHooks::isNativeTransport).transform((b, type, loader, module, domain) -> {
            DynamicType.Builder<?> out = b.visit(Advice.to(NativeClinitAdvice.class, ADVICE_LOCATOR)
                    .on(isTypeInitializer()));
            for (Map.Entry<String, Class<?>> m : NATIVE_METHODS.entrySet()) {
                ElementMatcher.Junction<MethodDescription> method = named(m.getKey()).and(isStatic())
                        .and(takesArguments(0));
                if (type.getDeclaredMethods().filter(method).isEmpty()) {
                    SwrapLog.error("swrap_native_transport", type.getName() + " (class loader " + loader
                            + ") has no static " + m.getKey() + "(): this Netty version is unknown to the agent");
                    continue;
                }
                out = out.visit(Advice.to(m.getValue(), ADVICE_LOCATOR).on(method));
            }
            return out;
        });
        if (sctp.isPresent()) {
            // the advice inlined into jdk.sctp calls this module
            Set<Module> self = Set.of(FailClosedHooks.class.getModule());
            inst.redefineModule(sctp.get(), self, Map.of(), Map.of(), Set.of(), Map.of());
            builder = builder.type(named(SCTP_NET)).transform((b, type, loader, module, domain) ->
                    b.visit(Advice.to(SctpSocketAdvice.class, ADVICE_LOCATOR)
                            .on(named("socket").and(takesArguments(boolean.class)))));
            try {
                Class.forName(SCTP_NET, false, null);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("module jdk.sctp has no class " + SCTP_NET + " on Java "
                        + Runtime.version() + ": SCTP sockets cannot be refused", e);
            }
        }
        builder.installOn(inst);
        if (sctp.isPresent() && (errors.containsKey(SCTP_NET) || !transformed.contains(SCTP_NET))) {
            throw new IllegalStateException("hook " + SCTP_NET + ".socket(boolean) <- SctpSocketAdvice failed to"
                    + " install: " + errors.getOrDefault(SCTP_NET, new IllegalStateException("not transformed")));
        }
        SwrapLog.trace("swrap_init", "fail closed: native transports " + NATIVE_TRANSPORTS + " report unavailable"
                + (sctp.isPresent() ? "; SCTP refused" : "; no jdk.sctp module"));
    }

    private static boolean isNativeTransport(TypeDescription type) {
        return nativeTransport(type.getName());
    }

    static boolean nativeTransport(String className) {
        for (String suffix : NATIVE_TRANSPORTS) {
            if (className.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }
}
