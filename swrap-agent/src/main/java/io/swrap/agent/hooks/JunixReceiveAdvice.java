package io.swrap.agent.hooks;

import io.swrap.agent.fdpass.FdPassing;
import net.bytebuddy.asm.Advice;

/** junixsocket {@code AncillaryDataSupport.receiveFileDescriptors(int[])}: strips the memfd, attaches. */
public final class JunixReceiveAdvice {
    private JunixReceiveAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object ancillary, @Advice.Argument(value = 0, readOnly = false) int[] fds)
            throws Exception {
        fds = FdPassing.received(ancillary, fds);
    }
}
