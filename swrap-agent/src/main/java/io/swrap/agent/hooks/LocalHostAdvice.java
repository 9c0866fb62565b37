package io.swrap.agent.hooks;

import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/** {@code InetAddress.getLocalHost()}: the default interface's address under the configured host name. */
public final class LocalHostAdvice {
    private LocalHostAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static InetAddress enter() {
        return IdentityHooks.localHost();
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter InetAddress fake, @Advice.Return(readOnly = false) InetAddress result) {
        if (fake != null) {
            result = fake;
        }
    }
}
