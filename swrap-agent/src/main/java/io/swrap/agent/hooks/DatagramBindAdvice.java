package io.swrap.agent.hooks;

import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * {@code DatagramChannelImpl.bindInternal(SocketAddress)}: a null address is the channel binding
 * itself before its first send or receive, which C leaves to autobind.
 */
public final class DatagramBindAdvice {
    private DatagramBindAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) SocketAddress local) {
        DatagramHooks.bindInternal(local == null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
        DatagramHooks.bindInternal(false);
    }
}
