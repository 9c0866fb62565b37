package io.swrap.agent.hooks;

import java.net.InetAddress;
import java.net.NetworkInterface;
import net.bytebuddy.asm.Advice;

/** {@code InetAddress.isReachable(NetworkInterface, int, int)}: answered from the fake network, no probe. */
public final class IsReachableAdvice {
    private IsReachableAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Boolean enter(@Advice.This InetAddress self, @Advice.Argument(0) NetworkInterface netif,
                         @Advice.Argument(1) int ttl, @Advice.Argument(2) int timeout) {
        return FailClosed.isReachable(self, netif, ttl, timeout);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Boolean answer, @Advice.Return(readOnly = false) boolean reachable) {
        if (answer != null) {
            reachable = answer;
        }
    }
}
