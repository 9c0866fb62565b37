package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/** {@code DatagramChannelImpl.sendFromNativeBuffer(FileDescriptor, ByteBuffer, InetSocketAddress)}: sendmsg to a file. */
public final class DatagramSendAdvice {
    private DatagramSendAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Integer enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(1) ByteBuffer bb,
                         @Advice.Argument(2) InetSocketAddress target) throws Exception {
        return DatagramHooks.send(fd, bb, target);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Integer wrapped, @Advice.Return(readOnly = false) int result) {
        if (wrapped != null) {
            result = wrapped;
        }
    }
}
