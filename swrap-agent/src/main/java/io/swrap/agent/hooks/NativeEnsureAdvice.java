package io.swrap.agent.hooks;

import net.bytebuddy.asm.Advice;

/** Netty's {@code Epoll/IoUring/KQueue.ensureAvailability()} (any package): throws under the agent. */
public final class NativeEnsureAdvice {
    private NativeEnsureAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t") String type) {
        Error refused = FailClosed.nativeTransportError(type);
        if (refused != null) {
            throw refused;
        }
    }
}
