package io.swrap.agent.hooks;

import java.net.NetworkInterface;
import java.util.stream.Stream;
import net.bytebuddy.asm.Advice;

/** {@code NetworkInterface.networkInterfaces()}: the fake interfaces and lo, never the host's. */
public final class InterfaceStreamAdvice {
    private InterfaceStreamAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Stream<NetworkInterface> enter() {
        return IdentityHooks.stream();
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Stream<NetworkInterface> fake,
                     @Advice.Return(readOnly = false) Stream<NetworkInterface> result) {
        if (fake != null) {
            result = fake;
        }
    }
}
