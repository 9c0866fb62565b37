package io.swrap.agent.hooks;

import java.net.NetworkInterface;
import java.util.Enumeration;
import net.bytebuddy.asm.Advice;

/** {@code NetworkInterface.getNetworkInterfaces()}: the fake interfaces and lo, never the host's. */
public final class InterfaceListAdvice {
    private InterfaceListAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Enumeration<NetworkInterface> enter() {
        return IdentityHooks.enumeration();
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Enumeration<NetworkInterface> fake,
                     @Advice.Return(readOnly = false) Enumeration<NetworkInterface> result) {
        if (fake != null) {
            result = fake;
        }
    }
}
