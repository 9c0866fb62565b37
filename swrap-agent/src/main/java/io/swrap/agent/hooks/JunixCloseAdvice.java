package io.swrap.agent.hooks;

import io.swrap.agent.fdpass.FdPassing;
import java.util.Map;
import net.bytebuddy.asm.Advice;

/** junixsocket {@code AncillaryDataSupport.close()}: it closes unclaimed received descriptors natively. */
public final class JunixCloseAdvice {
    private JunixCloseAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object ancillary,
                      @Advice.FieldValue("openReceivedFileDescriptors") Map<?, ?> openReceived) throws Exception {
        FdPassing.closing(ancillary, openReceived);
    }
}
