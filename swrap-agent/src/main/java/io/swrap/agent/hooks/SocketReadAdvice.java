package io.swrap.agent.hooks;

import io.swrap.agent.faults.Faults;
import java.io.FileDescriptor;
import java.io.IOException;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.SocketDispatcher.read}: every socket read of the JDK, faults honoured, counted per wrapped socket. */
public final class SocketReadAdvice {
    private SocketReadAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Argument(0) FileDescriptor fd) throws IOException {
        return SocketHooks.beforeRead(fd);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Argument(0) FileDescriptor fd, @Advice.Enter boolean stalled,
                     @Advice.Return(readOnly = false) int n) throws IOException {
        if (stalled) {
            n = Faults.UNAVAILABLE;
        } else {
            SocketHooks.read(fd, n);
        }
    }
}
