package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/**
 * {@code UnixDispatcher.implPreClose(FileDescriptor, long, long)}: a channel closed while another
 * thread is blocked on it first dup2s a dead socket over the descriptor, so the peer sees the end
 * of stream before {@code close}: the FIN is captured here (pcap).
 */
public final class PreCloseAdvice {
    private PreCloseAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) FileDescriptor fd) {
        SocketHooks.beforePreClose(fd);
    }
}
