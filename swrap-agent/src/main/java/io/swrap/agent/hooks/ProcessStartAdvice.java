package io.swrap.agent.hooks;

import net.bytebuddy.asm.Advice;

/** {@code ProcessBuilder.start(Redirect[])}: every child process, Runtime.exec included, starts here. */
public final class ProcessStartAdvice {
    private ProcessStartAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This ProcessBuilder builder) {
        ProcessTree.beforeStart(builder);
    }
}
