package io.swrap.agent.hooks;

import io.swrap.agent.fdpass.FdPassing;
import net.bytebuddy.asm.Advice;

/** junixsocket {@code AncillaryDataSupport.setOutboundFileDescriptors(int[])}: appends the memfd. */
public final class JunixOutboundAdvice {
    private JunixOutboundAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object ancillary, @Advice.Argument(value = 0, readOnly = false) int[] fds)
            throws Exception {
        fds = FdPassing.outbound(ancillary, fds);
    }
}
