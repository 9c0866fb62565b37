package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.io.IOException;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.SocketDispatcher.writev}: every gathering socket write: faults honoured, captured (pcap) and counted per wrapped socket. */
public final class SocketWritevAdvice {
    private SocketWritevAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(1) long address,
                         @Advice.Argument(2) int len) throws IOException {
        return SocketHooks.writing(fd, address, len, true);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Argument(0) FileDescriptor fd, @Advice.Enter boolean stalled,
                     @Advice.Return(readOnly = false) long n) {
        if (stalled) {
            n = 0;
        } else {
            SocketHooks.written(fd, n);
        }
    }
}
