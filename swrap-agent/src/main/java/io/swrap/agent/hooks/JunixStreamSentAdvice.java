package io.swrap.agent.hooks;

import io.swrap.agent.fdpass.FdPassing;
import net.bytebuddy.asm.Advice;

/** junixsocket {@code AFSocketImpl$AFOutputStreamImpl.write}: after a send that may have carried descriptors. */
public final class JunixStreamSentAdvice {
    private JunixStreamSentAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.FieldValue("this$0") Object afSocketImpl, @Advice.Thrown Throwable thrown)
            throws Exception {
        FdPassing.streamSent(afSocketImpl, thrown != null);
    }
}
