package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.SocketOption;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code DatagramChannelImpl.getOption(SocketOption)}: IP_MULTICAST_IF, which the channel asks the
 * fd for directly (not through Net.getSocketOption), is answered from the emulated options.
 */
public final class DatagramMulticastIfGetAdvice {
    private DatagramMulticastIfGetAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.FieldValue("fd") FileDescriptor fd, @Advice.Argument(0) SocketOption<?> name) {
        return DatagramHooks.emulatesMulticastIf(fd, name);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter boolean emulated, @Advice.FieldValue("fd") FileDescriptor fd,
                     @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
        if (emulated) {
            result = DatagramHooks.multicastIf(fd);
        }
    }
}
