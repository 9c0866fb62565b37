package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.SocketOption;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code DatagramChannelImpl.setOption(SocketOption, Object)}: IP_MULTICAST_IF, which the channel
 * sets on the fd directly, is remembered instead (the fake network has no multicast to route).
 */
public final class DatagramMulticastIfSetAdvice {
    private DatagramMulticastIfSetAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.FieldValue("fd") FileDescriptor fd, @Advice.Argument(0) SocketOption<?> name,
                         @Advice.Argument(1) Object value) {
        return DatagramHooks.setMulticastIf(fd, name, value);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter boolean emulated, @Advice.This Object self,
                     @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
        if (emulated) {
            result = self;
        }
    }
}
