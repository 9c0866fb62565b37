package io.swrap.smb.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pool's bounds with real threads: one I/O thread and one queue slot; operations beyond wait for
 * admission (none rejected, none dropped), start in submission order, and each completes on the executor it
 * named.
 */
class IoPoolTest {
    private static final long WAIT_S = 60;

    @Test
    void operationsBeyondThreadsAndQueueWaitAndAllCompleteOnTheirLoop() throws Exception {
        EventExecutor loop = new DefaultEventExecutor();
        IoPool pool = new IoPool(1, 1);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(5);
            List<Integer> ran = new CopyOnWriteArrayList<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                pool.submit(new IoPool.IoTask<Integer>() {
                    @Override
                    public Integer run() throws Exception {
                        if (n == 0) {
                            started.countDown();
                            assertTrue(gate.await(WAIT_S, TimeUnit.SECONDS), "gate");
                        }
                        ran.add(n);
                        return n;
                    }

                    @Override
                    public void done(Integer result, Throwable failure) {
                        if (!loop.inEventLoop() || failure != null || result != n) {
                            failures.add(n + ": on loop " + loop.inEventLoop() + ", " + result + ", " + failure);
                        }
                        done.countDown();
                    }

                    @Override
                    public void discard(Integer result) {
                        failures.add(n + " discarded");
                    }
                }, loop);
            }
            assertTrue(started.await(WAIT_S, TimeUnit.SECONDS), "the first operation did not start");
            // one runs, one is queued in the executor, three wait for admission
            assertEquals(3, pool.waitingCount());
            gate.countDown();
            assertTrue(done.await(WAIT_S, TimeUnit.SECONDS), "not every operation completed: " + ran + failures);
            assertEquals(List.of(0, 1, 2, 3, 4), ran);
            assertEquals(List.of(), failures);
            assertEquals(0, pool.waitingCount());
        } finally {
            pool.close();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aFailedOperationReportsItsExceptionOnTheLoop() throws Exception {
        EventExecutor loop = new DefaultEventExecutor();
        IoPool pool = new IoPool(2, 0);
        try {
            CountDownLatch done = new CountDownLatch(1);
            Throwable[] seen = new Throwable[1];
            Object[] result = {"unset"};
            pool.submit(new IoPool.IoTask<String>() {
                @Override
                public String run() throws Exception {
                    throw new java.io.IOException("pread failed");
                }

                @Override
                public void done(String r, Throwable failure) {
                    result[0] = r;
                    seen[0] = failure;
                    done.countDown();
                }

                @Override
                public void discard(String r) {
                }
            }, loop);
            assertTrue(done.await(WAIT_S, TimeUnit.SECONDS));
            assertNull(result[0]);
            assertEquals("pread failed", seen[0].getMessage());
        } finally {
            pool.close();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
