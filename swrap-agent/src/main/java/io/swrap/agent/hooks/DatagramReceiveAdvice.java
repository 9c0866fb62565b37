package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/** {@code DatagramChannelImpl.receiveIntoNativeBuffer(ByteBuffer, int, int, boolean)}: recvmsg on the unix socket. */
public final class DatagramReceiveAdvice {
    private DatagramReceiveAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Integer enter(@Advice.FieldValue("fd") FileDescriptor fd, @Advice.Argument(0) ByteBuffer bb,
                         @Advice.Argument(1) int rem, @Advice.Argument(2) int pos) throws Exception {
        return DatagramHooks.receive(fd, bb, rem, pos);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Integer wrapped, @Advice.Return(readOnly = false) int result) {
        if (wrapped != null) {
            result = wrapped;
        }
    }
}
