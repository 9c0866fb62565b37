package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.UnixDispatcher.close(FileDescriptor)}: every socket close of the JDK. */
public final class DispatcherCloseAdvice {
    private DispatcherCloseAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) FileDescriptor fd) {
        SocketHooks.beforeClose(fd);
    }
}
