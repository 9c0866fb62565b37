package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/** {@code DatagramDispatcher.writev(FileDescriptor, long iovecs, int count)}: a connected channel's write of several buffers. */
public final class DatagramWritevAdvice {
    private DatagramWritevAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Long enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(1) long address,
                      @Advice.Argument(2) int len) throws Exception {
        return DatagramHooks.write(fd, address, len, true);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Long wrapped, @Advice.Return(readOnly = false) long result) {
        if (wrapped != null) {
            result = wrapped;
        }
    }
}
