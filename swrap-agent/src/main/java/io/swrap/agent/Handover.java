package io.swrap.agent;

import java.lang.instrument.Instrumentation;
import java.util.function.BiConsumer;

/**
 * How {@link SwrapAgent} (a Java 8 class file, which cannot name a Java 25 class) calls
 * {@link Bootstrap#start} without reflection: {@code Method.invoke} spins method handle classes
 * (~7 classes, 30-40 ms before main). {@code SwrapAgent} initialises this class by name; its
 * static initializer hands an instance back through a field of the Java 8 interface type.
 */
final class Handover implements BiConsumer<String, Instrumentation> {
    static {
        SwrapAgent.handover = new Handover();
    }

    private Handover() {
    }

    @Override
    public void accept(String agentArgs, Instrumentation inst) {
        Bootstrap.start(agentArgs, inst);
    }
}
