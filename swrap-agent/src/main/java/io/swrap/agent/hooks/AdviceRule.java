package io.swrap.agent.hooks;

import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/** Which classes {@link AdviceTransformer} advises with what, and where it reports the outcome. */
interface AdviceRule {
    /** Cheap: called for every class the JVM loads. */
    boolean appliesTo(String className);

    /** The advice for this class, or null to leave it as it is (after reporting why). */
    AsmVisitorWrapper advice(TypeDescription type, ClassLoader loader);

    void transformed(String className, ClassLoader loader);

    void failed(String className, ClassLoader loader, Throwable error);
}
