package io.swrap.agent.hooks;

import io.swrap.agent.fdpass.FdPassing;
import net.bytebuddy.asm.Advice;

/**
 * junixsocket {@code AFCore.write(ByteBuffer, AFSupplier, SocketAddress, int)} (channels) and
 * {@code AFDatagramSocketImpl.send(DatagramPacket)}: after a send that may have carried descriptors.
 */
public final class JunixSentAdvice {
    private JunixSentAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.FieldValue("ancillaryDataSupport") Object ancillary, @Advice.Thrown Throwable thrown)
            throws Exception {
        FdPassing.sent(ancillary, thrown != null);
    }
}
