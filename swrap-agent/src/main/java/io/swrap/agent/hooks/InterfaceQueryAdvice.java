package io.swrap.agent.hooks;

import java.net.NetworkInterface;
import java.util.Optional;
import net.bytebuddy.asm.Advice;

/**
 * {@code NetworkInterface.isUp/isLoopback/isPointToPoint/supportsMulticast/getMTU/getHardwareAddress}
 * of a fake interface: their natives would look its name up in the kernel and fail.
 */
public final class InterfaceQueryAdvice {
    private InterfaceQueryAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(@Advice.This NetworkInterface self, @Advice.Origin("#m") String method) {
        return IdentityHooks.query(self, method);
    }

    @Advice.OnMethodExit
    @SuppressWarnings("unchecked")
    static void exit(@Advice.Enter Object fake,
                     @Advice.Return(readOnly = false, typing = net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC) Object result) {
        if (fake != null) {
            result = fake instanceof Optional<?> o ? o.orElse(null) : fake;
        }
    }
}
