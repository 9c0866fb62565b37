package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code DatagramChannelImpl.getLocalAddress()/localAddress()}: the channel caches its address
 * at bind, before an autobind at the first send names the socket.
 */
public final class DatagramLocalAddressAdvice {
    private DatagramLocalAddressAdvice() {
    }

    @Advice.OnMethodExit
    static void exit(@Advice.FieldValue("fd") FileDescriptor fd,
                     @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) SocketAddress result) {
        result = DatagramHooks.localAddress(fd, result);
    }
}
