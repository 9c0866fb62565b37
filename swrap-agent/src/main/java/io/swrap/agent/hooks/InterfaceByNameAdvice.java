package io.swrap.agent.hooks;

import java.net.NetworkInterface;
import java.util.Optional;
import net.bytebuddy.asm.Advice;

/** {@code NetworkInterface.getByName}: the fake interfaces only. */
public final class InterfaceByNameAdvice {
    private InterfaceByNameAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Optional<NetworkInterface> enter(@Advice.Argument(0) String key) {
        return IdentityHooks.byName(key);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Optional<NetworkInterface> fake,
                     @Advice.Return(readOnly = false) NetworkInterface result) {
        if (fake != null) {
            result = fake.orElse(null);
        }
    }
}
