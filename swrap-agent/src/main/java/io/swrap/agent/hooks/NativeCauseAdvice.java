package io.swrap.agent.hooks;

import net.bytebuddy.asm.Advice;

/** Netty's {@code Epoll/IoUring/KQueue.unavailabilityCause()} (any package): why it is off. */
public final class NativeCauseAdvice {
    private NativeCauseAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter() {
        return true;
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Origin("#t") String type, @Advice.Return(readOnly = false) Throwable cause) {
        cause = FailClosed.nativeTransportCause(type);
    }
}
