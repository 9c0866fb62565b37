package io.swrap.smb.filestate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Waiters are values in the records; their continuations run on the loop that parked them, at most once. */
class MessengerTest {
    private final Messenger messenger = new Messenger();

    @Test
    void aWakeUpRunsOnceOnTheParkingLoopAndAForgottenOneNever() throws Exception {
        DefaultEventLoop a = new DefaultEventLoop();
        DefaultEventLoop b = new DefaultEventLoop();
        try {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch ran = new CountDownLatch(1);
            Thread loopA = a.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
            Thread[] on = new Thread[1];
            Waiter w = a.submit(() -> messenger.park(a, () -> {
                on[0] = Thread.currentThread();
                runs.incrementAndGet();
                ran.countDown();
            })).get(10, TimeUnit.SECONDS);
            Waiter forgotten = a.submit(() -> messenger.park(a, runs::incrementAndGet)).get(10, TimeUnit.SECONDS);
            messenger.forget(forgotten);
            // woken twice from another loop: it runs once, on its own loop
            b.submit(() -> {
                messenger.wake(w);
                messenger.wake(w);
                messenger.wake(forgotten);
            }).get(10, TimeUnit.SECONDS);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            a.submit(() -> { }).get(10, TimeUnit.SECONDS); // a second wake-up would have run by now
            assertEquals(1, runs.get());
            assertSame(loopA, on[0]);
            assertEquals(0, messenger.parkedCount());
            assertEquals(w.worker(), messenger.worker(a), "worker numbers are stable");
            assertNotEquals(messenger.worker(a), messenger.worker(b));
            assertSame(b, messenger.loop(messenger.worker(b)));
        } finally {
            a.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            b.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void parkingForAnotherLoopIsABug() throws Exception {
        DefaultEventLoop a = new DefaultEventLoop();
        try {
            assertThrows(AssertionError.class, () -> messenger.park(a, () -> { }),
                    "parked from the test thread for loop a (the assertions are on in tests)");
            assertEquals(0, messenger.parkedCount());
        } finally {
            a.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
