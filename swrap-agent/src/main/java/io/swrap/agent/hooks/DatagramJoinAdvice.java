package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/** {@code DatagramChannelImpl.innerJoin(InetAddress, NetworkInterface, InetAddress)}: never a real multicast join. */
public final class DatagramJoinAdvice {
    private DatagramJoinAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.FieldValue("fd") FileDescriptor fd, @Advice.Argument(0) InetAddress group)
            throws Exception {
        DatagramHooks.join(fd, group);
    }
}
