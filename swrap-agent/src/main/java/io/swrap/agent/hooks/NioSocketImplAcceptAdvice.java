package io.swrap.agent.hooks;

import java.net.SocketImpl;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.NioSocketImpl.accept(SocketImpl)}: the accepted java.net.Socket's fake peer. */
public final class NioSocketImplAcceptAdvice {
    private NioSocketImplAcceptAdvice() {
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Argument(0) SocketImpl accepted) throws Exception {
        SocketHooks.acceptedSocketImpl(accepted);
    }
}
