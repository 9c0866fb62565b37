package io.swrap.agent.hooks;

import net.bytebuddy.asm.Advice;

/**
 * The class initializer of Netty's {@code Epoll/IoUring/KQueue} (any package), skipped under the
 * agent: it loads the native library, whose start-up already binds a real AF_INET6 socket to probe
 * for IPv6. The advised static methods answer instead of the fields it would have set.
 */
public final class NativeClinitAdvice {
    private NativeClinitAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter() {
        return true;
    }
}
