package io.swrap.agent.hooks;

import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.sctp.SctpNet.socket(boolean)}: refused, SCTP cannot be wrapped. */
public final class SctpSocketAdvice {
    private SctpSocketAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter() throws Exception {
        java.net.SocketException refused = FailClosed.sctpRefused();
        if (refused != null) {
            throw refused;
        }
    }
}
