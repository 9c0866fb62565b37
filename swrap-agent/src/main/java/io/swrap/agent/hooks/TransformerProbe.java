package io.swrap.agent.hooks;

/**
 * Loaded by the start-up check once the agent's transformer is registered: the transformer notes
 * when the JVM hands this class over, which proves it is called for classes loading from then on
 * (the hooked JDK classes the application loads later are advised by that call).
 */
final class TransformerProbe {
    static final String INTERNAL_NAME = "io/swrap/agent/hooks/TransformerProbe";

    private TransformerProbe() {
    }

    /** Loads (and initialises) this class, if not done already. */
    static void load() {
        // nothing to do: calling a static method of this class loads it
    }
}
