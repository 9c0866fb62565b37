package io.swrap.agent.hooks;

import io.swrap.agent.SwrapLog;
import io.swrap.shm.ProcessId;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.CompoundList;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * The agent's one class file transformer: ByteBuddy's {@code Advice} applied as an ASM visitor
 * straight to the class file, without ByteBuddy's {@code AgentBuilder} and type writer. Those cost
 * most of the agent's start-up (a class generated for the transformer itself, the injection nexus,
 * a method graph per class and ~1,000 classes loaded) and add nothing to inlined advice that
 * neither adds members nor changes the class format. Every class the JVM loads passes
 * {@link AdviceRule#appliesTo} (a name lookup) and nothing else unless a rule claims it.
 */
final class AdviceTransformer implements ClassFileTransformer {
    private final List<AdviceRule> rules;
    /** For the JDK's own classes (boot loader): what ByteBuddy made of them at an earlier start. */
    private final AdvisedClassCache cache;

    /** The classes a rule claimed so far (advised, or failed and reported). */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    /**
     * JDK classes (boot loader) that must come out advised whenever they load from now on: those
     * left to load when the application needs them. The JVM ignores a transformer's exception and
     * defines the class as it is, so a failure stops the JVM here instead.
     */
    private volatile Set<String> required = Set.of();
    /** Set when the JVM hands over {@link TransformerProbe}: proof that this transformer sees new classes. */
    private volatile boolean probeSeen;

    AdviceTransformer(List<AdviceRule> rules, AdvisedClassCache cache) {
        this.rules = List.copyOf(rules);
        this.cache = cache;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) {
        if (internalName == null) {
            return null;
        }
        if (internalName.equals(TransformerProbe.INTERNAL_NAME)) {
            probeSeen = true;
            return null;
        }
        String name = internalName.replace('/', '.');
        try {
            return advise(loader, name, classFile);
        } catch (RuntimeException | Error e) {
            if (loader == null && required.contains(name)) {
                halt(name, e);
            }
            throw e;
        }
    }

    private byte[] advise(ClassLoader loader, String name, byte[] classFile) {
        for (AdviceRule rule : rules) {
            if (rule.appliesTo(name)) {
                seen.add(name);
                if (loader == null) {
                    byte[] cached = cache.lookup(name, classFile);
                    if (cached != null) {
                        rule.transformed(name, null);
                        return cached;
                    }
                }
                byte[] advised = apply(rule, name, loader, classFile);
                if (advised == null && loader == null && required.contains(name)) {
                    halt(name, new IllegalStateException("the agent made no advice for it"));
                }
                SwrapLog.trace("swrap_init", "advised " + name + " (class loader " + loader + ")"
                        + (loader == null ? ", not found in the advised class cache" : ""));
                if (advised != null && loader == null) {
                    cache.store(name, classFile, advised);
                }
                return advised;
            }
        }
        return null;
    }

    /** Whether a rule claimed this class as it loaded or was retransformed. */
    boolean saw(String className) {
        return seen.contains(className);
    }

    /** From now on these JDK classes must be advised whenever they load, or the JVM stops. */
    void require(Set<String> classNames) {
        required = Set.copyOf(classNames);
    }

    /** Loads {@link TransformerProbe} (once) and tells whether this transformer was handed it. */
    boolean probe() {
        TransformerProbe.load();
        return probeSeen;
    }

    /**
     * A hooked JDK class would be defined unadvised: its sockets would reach the real network. Stops
     * the JVM, as every other failure of the agent's start does (a class loads at the application's
     * first use of it, after main has started).
     */
    private static void halt(String className, Throwable cause) {
        SwrapLog.error("swrap_init", "cannot advise " + className + " as it loads: " + cause + "; stopping the JVM"
                + " (pid " + ProcessId.current() + ") rather than let its sockets reach the real network. A JDK whose socket"
                + " internals differ from what this agent knows (Java " + Runtime.version() + "), or a damaged advised"
                + " class cache: delete the swrap-agent directory under SWRAP_CACHE_DIR (default ~/.cache/swrap-agent)"
                + " and run again, else use an agent built for this JDK");
        if (SwrapLog.enabled(SwrapLog.DEBUG)) {
            cause.printStackTrace();
        }
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    private byte[] apply(AdviceRule rule, String name, ClassLoader loader, byte[] classFile) {
        try {
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                    loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader()
                            : ClassFileLocator.ForClassLoader.of(loader));
            TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
            TypeDescription type = pool.describe(name).resolve();
            AsmVisitorWrapper advice = rule.advice(type, loader);
            if (advice == null) {
                return null;
            }
            int readerFlags = advice.mergeReader(0);
            int writerFlags = advice.mergeWriter(0);
            if ((writerFlags & (ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS)) != 0) {
                throw new IllegalStateException("the advice asks the class writer to compute frames (flags "
                        + writerFlags + "), which this transformer does not do");
            }
            ClassReader reader = OpenedClassReader.of(classFile);
            ClassWriter writer = new ClassWriter(reader, writerFlags);
            ClassFileVersion version = ClassFileVersion.ofClassFile(classFile);
            Implementation.Context context = new Implementation.Context.Disabled(type, version,
                    Implementation.Context.FrameGeneration.DISABLED) {
            };
            MethodList<?> methods = new MethodList.Explicit<MethodDescription>(CompoundList.of(
                    type.getDeclaredMethods(), new MethodDescription.Latent.TypeInitializer(type)));
            ClassVisitor visitor = advice.wrap(type, writer, context, pool, type.getDeclaredFields(), methods,
                    writerFlags, readerFlags);
            reader.accept(visitor, readerFlags);
            byte[] out = writer.toByteArray();
            rule.transformed(name, loader);
            return out;
        } catch (Throwable t) {
            // The JVM drops a transformer's exception silently: the rule reports it instead (and
            // transform stops the JVM if the class is a required one).
            rule.failed(name, loader, t);
            if (loader == null && required.contains(name)) {
                halt(name, t);
            }
            return null;
        }
    }
}
