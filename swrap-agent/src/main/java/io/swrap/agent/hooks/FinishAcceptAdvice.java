package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * {@code finishAccept(FileDescriptor newfd, SocketAddress remote)} of ServerSocketChannelImpl and
 * UnixAsynchronousServerSocketChannelImpl: the native accept parsed a unix name as an inet
 * address; the fake peer, parsed from the peer's socket file name, replaces it.
 */
public final class FinishAcceptAdvice {
    private FinishAcceptAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.FieldValue("fd") FileDescriptor listener, @Advice.Argument(0) FileDescriptor newfd,
                      @Advice.Argument(value = 1, readOnly = false, typing = net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC) SocketAddress remote)
            throws Exception {
        remote = SocketHooks.acceptedPeer(listener, newfd, remote);
    }
}
