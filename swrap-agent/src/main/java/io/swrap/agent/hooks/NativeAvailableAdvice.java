package io.swrap.agent.hooks;

import net.bytebuddy.asm.Advice;

/** Netty's {@code Epoll/IoUring/KQueue.isAvailable()} (any package): false under the agent. */
public final class NativeAvailableAdvice {
    private NativeAvailableAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter() {
        return true;
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Return(readOnly = false) boolean available) {
        available = false;
    }
}
