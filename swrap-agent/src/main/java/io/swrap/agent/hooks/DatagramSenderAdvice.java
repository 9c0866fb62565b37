package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;

/** {@code DatagramChannelImpl.sourceSocketAddress()}: the fake address of the datagram's sender. */
public final class DatagramSenderAdvice {
    private DatagramSenderAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static InetSocketAddress enter(@Advice.FieldValue("fd") FileDescriptor fd) {
        return DatagramHooks.sender(fd);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter InetSocketAddress fake, @Advice.Return(readOnly = false) InetSocketAddress result) {
        if (fake != null) {
            result = fake;
        }
    }
}
