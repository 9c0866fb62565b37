package io.swrap.agent.hooks;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.swrap.agent.SwrapLog;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

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
    static final String SCTP_NET = "sun.nio.ch.sctp.SctpNet";

    private final Optional<Module> sctp;
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();

    FailClosedHooks(Instrumentation inst) {
        sctp = ModuleLayer.boot().findModule("jdk.sctp");
        if (sctp.isPresent()) {
            // the advice inlined into jdk.sctp calls this module
            Set<Module> self = Set.of(FailClosedHooks.class.getModule());
            inst.redefineModule(sctp.get(), self, Map.of(), Map.of(), Set.of(), Map.of());
        }
    }

    List<AdviceRule> rules() {
        AdviceRule nativeTransports = new AdviceRule() {
            @Override
            public boolean appliesTo(String className) {
                return nativeTransport(className);
            }

            @Override
            public AsmVisitorWrapper advice(TypeDescription type, ClassLoader loader) {
                List<AsmVisitorWrapper> advices = new ArrayList<>();
                advices.add(HookInstaller.advice(NativeClinitAdvice.class).on(isTypeInitializer()));
                for (Map.Entry<String, Class<?>> m : NATIVE_METHODS.entrySet()) {
                    ElementMatcher.Junction<MethodDescription> method = named(m.getKey()).and(isStatic())
                            .and(takesArguments(0));
                    if (type.getDeclaredMethods().filter(method).isEmpty()) {
                        SwrapLog.error("swrap_native_transport", type.getName() + " (class loader " + loader
                                + ") has no static " + m.getKey() + "(): this Netty version is unknown to the agent");
                        continue;
                    }
                    advices.add(HookInstaller.advice(m.getValue()).on(method));
                }
                return new AsmVisitorWrapper.Compound(advices);
            }

            @Override
            public void transformed(String className, ClassLoader loader) {
                FailClosed.nativeTransportDisabled(className, loader);
            }

            @Override
            public void failed(String className, ClassLoader loader, Throwable error) {
                SwrapLog.error("swrap_native_transport", className + " (class loader " + loader
                        + ") could not be disabled, its native sockets may bypass the fake network: " + error);
            }
        };
        if (sctp.isEmpty()) {
            return List.of(nativeTransports);
        }
        AdviceRule sctpNet = new AdviceRule() {
            @Override
            public boolean appliesTo(String className) {
                return SCTP_NET.equals(className);
            }

            @Override
            public AsmVisitorWrapper advice(TypeDescription type, ClassLoader loader) {
                return HookInstaller.advice(SctpSocketAdvice.class)
                        .on(named("socket").and(takesArguments(boolean.class)));
            }

            @Override
            public void transformed(String className, ClassLoader loader) {
                transformed.add(className);
            }

            @Override
            public void failed(String className, ClassLoader loader, Throwable error) {
                errors.put(className, error);
            }
        };
        return List.of(nativeTransports, sctpNet);
    }

    /** The JDK classes to advise (SctpNet; native transports are advised when they load). */
    List<String> targetNames() {
        return sctp.isEmpty() ? List.of() : List.of(SCTP_NET);
    }

    /** SCTP must be refused: SctpNet advised if {@code loaded}, and not failed in any case. */
    void verify(boolean loaded) {
        if (sctp.isPresent() && (errors.containsKey(SCTP_NET) || loaded && !transformed.contains(SCTP_NET))) {
            throw new IllegalStateException("hook " + SCTP_NET + ".socket(boolean) <- SctpSocketAdvice failed to"
                    + " install: " + errors.getOrDefault(SCTP_NET, new IllegalStateException("not transformed")));
        }
        SwrapLog.trace("swrap_init", "fail closed: native transports " + NATIVE_TRANSPORTS + " report unavailable"
                + (sctp.isEmpty() ? "; no jdk.sctp module" : loaded ? "; SCTP refused" : "; SCTP refused when it loads"));
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
