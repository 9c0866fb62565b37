package io.swrap.agent.hooks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which classes count as a Netty native transport: by name suffix, in any package Netty was relocated to. */
class FailClosedHooksTest {
    @Test
    void matchesNettysTransportsWhereverTheyWereRelocated() {
        for (String name : new String[] {"io.netty.channel.epoll.Epoll", "io.netty.channel.uring.IoUring",
            "io.netty.incubator.channel.uring.IOUring", "io.netty.channel.kqueue.KQueue",
            "io.grpc.netty.shaded.io.netty.channel.epoll.Epoll", "org.example.shaded.io.netty.channel.uring.IoUring"}) {
            assertTrue(FailClosedHooks.nativeTransport(name), name);
        }
    }

    @Test
    void leavesEverythingElseAlone() {
        for (String name : new String[] {"io.netty.channel.epoll.EpollSocketChannel", "io.netty.channel.epoll.Native",
            "io.netty.channel.nio.NioIoHandler", "org.example.Epoll", "io.netty.channel.epoll.Epoll$1"}) {
            assertFalse(FailClosedHooks.nativeTransport(name), name);
        }
    }
}
