package io.swrap.shm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A glibc {@code pthread_mutex_t} placed in shared memory: process-shared, robust and
 * error-checking, called through FFM.
 *
 * <p>Robust: when the owner dies (even by SIGKILL) the kernel marks the mutex, and the next
 * {@code pthread_mutex_lock} succeeds with {@code EOWNERDEAD}; the new owner must repair the
 * guarded data and call {@code pthread_mutex_consistent} before unlocking, otherwise the mutex
 * becomes {@code ENOTRECOVERABLE} for every process. Error-checking: relocking by the owner
 * fails with {@code EDEADLK} and unlocking by another thread with {@code EPERM}, so a misuse is
 * an exception rather than a hang.
 *
 * <p>Initialised by its first locker, not by the table's creator: initialising links the JDK's
 * FFM linker (~90 ms and ~350 classes on first use), which a process that creates a table and
 * never locks it (a JVM under the agent that opens no socket) should not pay. A state word next
 * to the mutex says who did it: {@value #STATE_NEW} nobody yet, a pid while that process
 * initialises it, {@value #STATE_READY} done. A locker that finds a live process initialising
 * waits for it (at most {@value #INIT_WAIT_SECONDS} s); one that finds a dead one takes over.
 *
 * <p>Ownership belongs to the OS thread: lock and unlock on the same <em>platform</em> thread. A
 * virtual thread may move to another carrier between the two calls, so it is refused.
 */
final class RobustMutex {
    /** Bytes reserved for the mutex; glibc's pthread_mutex_t is 40 on x86_64, 48 on aarch64. */
    static final long SIZE = 64;

    // Linux generic errno values; x86_64 and aarch64 share them (checked in checkPlatform).
    static final int EPERM = 1;
    static final int EDEADLK = 35;
    static final int EOWNERDEAD = 130;
    static final int ENOTRECOVERABLE = 131;
    private static final int PTHREAD_PROCESS_SHARED = 1;
    private static final int PTHREAD_MUTEX_ROBUST = 1;
    private static final int PTHREAD_MUTEX_ERRORCHECK = 2;

    /** The state word: no process has initialised the mutex (a new table's zero bytes). */
    static final int STATE_NEW = 0;
    /** The state word: the mutex is initialised; any other value is the pid initialising it. */
    static final int STATE_READY = -1;
    /** How long a locker waits for another live process to initialise the mutex. */
    static final int INIT_WAIT_SECONDS = 10;
    private static final VarHandle INT = JAVA_INT.varHandle();

    static {
        checkPlatform();
    }

    /**
     * Linked at the first lock, not when the table is mapped: the JDK's linker costs ~90 ms and
     * ~350 classes on first use, which a process that maps a table but never locks it (a JVM
     * that opens no socket) should not pay.
     */
    private static final class Calls {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIBC = LINKER.defaultLookup();
        private static final FunctionDescriptor PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        static final MethodHandle LOCK = find(LINKER, LIBC, "pthread_mutex_lock", PTR);
        static final MethodHandle UNLOCK = find(LINKER, LIBC, "pthread_mutex_unlock", PTR);
        static final MethodHandle CONSISTENT = find(LINKER, LIBC, "pthread_mutex_consistent", PTR);
    }

    /**
     * What only the creator of a mutex needs, linked on first use: each new call shape costs the
     * linker ~15 ms of generated code, and most processes open a table someone else created.
     */
    private static final class Init {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIBC = LINKER.defaultLookup();
        private static final FunctionDescriptor PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        private static final FunctionDescriptor PTR_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
        static final MethodHandle ATTR_INIT = find(LINKER, LIBC, "pthread_mutexattr_init", PTR);
        static final MethodHandle ATTR_SETPSHARED = find(LINKER, LIBC, "pthread_mutexattr_setpshared", PTR_INT);
        static final MethodHandle ATTR_SETROBUST = find(LINKER, LIBC, "pthread_mutexattr_setrobust", PTR_INT);
        static final MethodHandle ATTR_SETTYPE = find(LINKER, LIBC, "pthread_mutexattr_settype", PTR_INT);
        static final MethodHandle ATTR_DESTROY = find(LINKER, LIBC, "pthread_mutexattr_destroy", PTR);
        static final MethodHandle MUTEX_INIT = find(LINKER, LIBC, "pthread_mutex_init",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private final MemorySegment mutex;
    /** 4 bytes of shared memory holding the state word, or null for a mutex initialised already. */
    private final MemorySegment state;
    private final String name;
    /** This process saw the state {@link #STATE_READY}: later locks skip the shared word. */
    private volatile boolean ready;

    /**
     * @param mutex {@link #SIZE} bytes inside a shared mapping, already {@link #initialize}d
     * @param name what to call it in messages (the file's path)
     */
    RobustMutex(MemorySegment mutex, String name) {
        this.mutex = mutex;
        this.state = null;
        this.name = name;
        this.ready = true;
    }

    /**
     * @param mutex {@link #SIZE} bytes inside a shared mapping, initialised by the first locker
     * @param state the 4-byte state word inside the same mapping (zero in a new table)
     * @param name what to call it in messages (the file's path)
     */
    RobustMutex(MemorySegment mutex, MemorySegment state, String name) {
        this.mutex = mutex;
        this.state = state;
        this.name = name;
    }

    /** Initialises the mutex unless some process did: the first lock of the table's life does. */
    private void initialiseOnFirstUse() {
        int self = (int) ProcessId.current();
        long start = System.nanoTime();
        while (true) {
            int s = (int) INT.getVolatile(state, 0L);
            if (s == STATE_READY) {
                ready = true;
                return;
            }
            // STATE_NEW, or a pid: another thread of this process, or a process that is initialising it
            if ((s == STATE_NEW || (s != self && !alive(s))) && INT.compareAndSet(state, 0L, s, self)) {
                boolean done = false;
                try {
                    initialize(mutex, name);
                    INT.setVolatile(state, 0L, STATE_READY);
                    done = true;
                } finally {
                    if (!done) {
                        INT.compareAndSet(state, 0L, self, STATE_NEW); // the next locker tries again
                    }
                }
                ready = true;
                return;
            }
            if (System.nanoTime() - start > INIT_WAIT_SECONDS * 1_000_000_000L) {
                throw new IllegalStateException(name + ": the table's mutex is still being initialised by"
                        + " pid " + s + " after " + INIT_WAIT_SECONDS + " s: is that process stopped"
                        + " (SIGSTOP, a debugger)? Resume or kill it");
            }
            LockSupport.parkNanos(100_000L);
        }
    }

    private static boolean alive(int pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Initialises a mutex that no other process can lock yet (a new one, or a state word held). */
    static void initialize(MemorySegment mutex, String name) {
        try (Arena arena = Arena.ofConfined()) {
            // pthread_mutexattr_t is a 4-byte union on glibc; 8 leaves room and keeps alignment.
            MemorySegment attr = arena.allocate(8, 8);
            check(call(Init.ATTR_INIT, attr), "pthread_mutexattr_init", name);
            try {
                check(call(Init.ATTR_SETPSHARED, attr, PTHREAD_PROCESS_SHARED),
                        "pthread_mutexattr_setpshared(PTHREAD_PROCESS_SHARED)", name);
                check(call(Init.ATTR_SETROBUST, attr, PTHREAD_MUTEX_ROBUST),
                        "pthread_mutexattr_setrobust(PTHREAD_MUTEX_ROBUST)", name);
                check(call(Init.ATTR_SETTYPE, attr, PTHREAD_MUTEX_ERRORCHECK),
                        "pthread_mutexattr_settype(PTHREAD_MUTEX_ERRORCHECK)", name);
                check(call(Init.MUTEX_INIT, mutex, attr), "pthread_mutex_init", name);
            } finally {
                check(call(Init.ATTR_DESTROY, attr), "pthread_mutexattr_destroy", name);
            }
        }
    }

    /**
     * Blocks until this platform thread owns the mutex.
     *
     * @return true if the previous owner died holding it: the caller owns it now and must
     *     repair the guarded data, then call {@link #consistent()}, before {@link #unlock()}
     * @throws IllegalStateException on a virtual thread, or when the mutex is not recoverable
     */
    boolean lock() {
        refuseVirtualThread(name);
        if (!ready) {
            initialiseOnFirstUse();
        }
        int rc = call(Calls.LOCK, mutex);
        if (rc == 0) {
            return false;
        }
        if (rc == EOWNERDEAD) {
            return true;
        }
        if (rc == ENOTRECOVERABLE) {
            throw new IllegalStateException(name + ": pthread_mutex_lock returned ENOTRECOVERABLE:"
                    + " a process died holding the lock and its repair failed, so the table's"
                    + " state is unknown. Stop every process using the file, delete it and"
                    + " start again (it is recreated on the next open)");
        }
        throw new IllegalStateException(name + ": pthread_mutex_lock failed: " + errno(rc));
    }

    /** Marks the state repaired after {@link #lock()} returned true; then unlock as usual. */
    void consistent() {
        check(call(Calls.CONSISTENT, mutex), "pthread_mutex_consistent", name);
    }

    /** Releases the mutex; must run on the platform thread that locked it. */
    void unlock() {
        check(call(Calls.UNLOCK, mutex), "pthread_mutex_unlock", name);
    }

    static void refuseVirtualThread(String name) {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            throw new IllegalStateException(name + ": the shared table lock was requested on a"
                    + " virtual thread (" + t + "); a robust pthread mutex belongs to the OS"
                    + " thread that locked it and a virtual thread may change carrier before"
                    + " unlocking. Take the lock on a platform thread");
        }
    }

    private static void checkPlatform() {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!"Linux".equals(os) || !("amd64".equals(arch) || "aarch64".equals(arch))) {
            throw new UnsupportedOperationException("swrap-shm: os.name/os.arch: " + os + "/"
                    + arch + " (expected: Linux/amd64 or Linux/aarch64 with glibc): the mutex"
                    + " size and errno values are only known for those");
        }
    }

    // Restricted: needs --enable-native-access (see README); the descriptors match glibc's.
    @SuppressWarnings("restricted")
    private static MethodHandle find(Linker linker, SymbolLookup lookup, String symbol,
            FunctionDescriptor descriptor) {
        MemorySegment address = lookup.find(symbol).orElseThrow(() ->
                new UnsupportedOperationException("swrap-shm: " + symbol + " not found in the C"
                        + " library (expected glibc >= 2.34, where libpthread is part of libc)"));
        return linker.downcallHandle(address, descriptor);
    }

    private static void check(int rc, String what, String name) {
        if (rc != 0) {
            throw new IllegalStateException(name + ": " + what + " failed: " + errno(rc));
        }
    }

    private static String errno(int rc) {
        String symbol = switch (rc) {
            case EPERM -> "EPERM (this thread does not own the mutex)";
            case EDEADLK -> "EDEADLK (this thread already owns the mutex)";
            case 16 -> "EBUSY";
            case 22 -> "EINVAL (not an initialised mutex: is the file corrupted?)";
            case EOWNERDEAD -> "EOWNERDEAD";
            case ENOTRECOVERABLE -> "ENOTRECOVERABLE";
            default -> "error";
        };
        return symbol + " (" + rc + ")";
    }

    private static int call(MethodHandle handle, MemorySegment a) {
        try {
            return (int) handle.invokeExact(a);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call(MethodHandle handle, MemorySegment a, int b) {
        try {
            return (int) handle.invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call(MethodHandle handle, MemorySegment a, MemorySegment b) {
        try {
            return (int) handle.invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A downcall throws only what the JVM throws (errors, segment checks); pass them on. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
