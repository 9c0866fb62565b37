package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/** {@code DatagramDispatcher.write(FileDescriptor, long, int)}: a connected datagram channel's write. */
public final class DatagramWriteAdvice {
    private DatagramWriteAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Long enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(1) long address,
                      @Advice.Argument(2) int len) throws Exception {
        return DatagramHooks.write(fd, address, len, false);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Long wrapped, @Advice.Return(readOnly = false) int result) {
        if (wrapped != null) {
            result = (int) wrapped.longValue();
        }
    }
}
