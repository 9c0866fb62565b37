package io.swrap.smb.state;

import io.netty.util.concurrent.EventExecutor;
import io.swrap.smb.io.IoPool;
import io.swrap.smb.vfs.FileTimes;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How writes through one open move the file's LastWriteTime, as Windows and Samba do it ([MS-FSA] 2.1.5.3 lets
 * the update be deferred; Samba's "delayed write time"): a WRITE leaves the time as it was; {@link #UPDATE_DELAY_MS}
 * after the open's first write it becomes the time then; a FLUSH, a size change or a FileBasicInformation
 * through an open that wrote does that at once; writes after that update move it once more, at close. A time set
 * or frozen (-1) through the open stays, whatever is written through it, until -2 unfreezes it
 * (Open.UserSetModificationTime, [MS-FSA] 2.1.5.14.2).
 *
 * <p>The file system's mtime stays the one truth (every open, directory listings, other processes and prefork
 * workers read it): Linux moves it at each pwrite, so each write puts it back ({@link #before}, {@link #restore}).
 * The flags change on the open's event loop; the times are set on the I/O pool or, at close, where the open
 * closes its descriptor.
 */
public final class WriteTime {
    private static final Logger LOG = Logger.getLogger(WriteTime.class.getName());
    /** Samba's default (smbd:writetimeupdatedelay) and what Windows shows. */
    public static final long UPDATE_DELAY_MS = 2000;

    private final Open open;
    /** Open.UserSetModificationTime: LastWriteTime was set or frozen through this open. */
    private boolean userSet;
    /** Something was written through this open (Samba's fsp->modified). */
    private boolean written;
    /** The first write's update was scheduled or done: later writes only update at close. */
    private boolean triggered;
    /** A write since the last update: the close sets the time. */
    private boolean updateOnClose;
    private ScheduledFuture<?> pending;
    /** Linux refused to set the times (set on the I/O threads): not tried again through this open. */
    private volatile boolean refused;

    WriteTime(Open open) {
        this.open = open;
    }

    /** The file's LastWriteTime before a write or size change moves it (on the I/O thread, before the change). */
    public static long before(Vfs.Handle h) throws VfsException {
        return h.stat().mtime();
    }

    /**
     * Puts back the LastWriteTime that a write moved (on the I/O thread, after it). The write itself has
     * succeeded: a failure (a file this server's user does not own) leaves the kernel's time, logged once per open.
     */
    public void restore(Vfs.Handle h, long before, String path) {
        set(h, before, path);
    }

    /** After a WRITE through the open, on its loop: the first one schedules the update. */
    public void written(IoPool io, EventExecutor loop) {
        written = true;
        if (userSet) {
            return;
        }
        updateOnClose = true;
        if (triggered) {
            return;
        }
        triggered = true;
        pending = loop.schedule(() -> {
            pending = null;
            if (!open.isClosed() && !userSet) {
                updateOnClose = false;
                io.submit(new Stamp(this, open.handle(), open.path().toString()), loop);
            }
        }, UPDATE_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Before a FLUSH, a FileBasicInformation or a size change through the open (on its loop): whether that
     * operation sets LastWriteTime to its own time ({@link #stamp}) rather than leaving it. Only an open that wrote
     * does, unless its time was set ({@code sizeChanged}: a new size updates it even without a write).
     */
    public boolean updateNow(boolean sizeChanged) {
        if (userSet || !(written || sizeChanged)) {
            return false;
        }
        cancel();
        triggered = true;
        updateOnClose = false;
        return true;
    }

    /** A FileBasicInformation LastWriteTime: -1 freezes it for this open, -2 unfreezes it, a time sets it. */
    public void userSet(long lastWriteTime) {
        if (lastWriteTime == -2) {
            userSet = false;
        } else if (lastWriteTime != 0) {
            userSet = true;
            cancel();
        }
    }

    /** Whether something was written through this open. */
    public boolean wrote() {
        return written;
    }

    /** Whether LastWriteTime is set or frozen through this open: what moves it is put back. */
    public boolean userSet() {
        return userSet;
    }

    /** Sets LastWriteTime to now (on the I/O thread, after an operation {@link #updateNow} allowed). */
    public void stamp(Vfs.Handle h, String path) {
        set(h, FileTimes.now(), path);
    }

    /**
     * At close, on the loop, before the descriptor goes (and before CLOSE's attributes are read): a write since
     * the last update sets the time to now.
     */
    public void atClose() {
        boolean due = pending != null || updateOnClose;
        cancel();
        updateOnClose = false;
        if (due && !userSet && open.handle() != null) {
            stamp(open.handle(), open.path().toString());
        }
    }

    private void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void set(Vfs.Handle h, long mtime, String path) {
        if (refused) {
            return;
        }
        try {
            h.setTimes(Vfs.Handle.UNCHANGED, mtime);
        } catch (VfsException e) {
            refused = true;
            LOG.log(Level.WARNING, "setting the write time of " + path + " failed: " + e.getMessage() + "; through this"
                    + " handle the file keeps the times Linux sets (give the server's user ownership of it)");
        }
    }

    /** The delayed update: LastWriteTime becomes the time it runs. */
    private record Stamp(WriteTime times, Vfs.Handle handle, String path) implements IoPool.IoTask<Boolean> {
        @Override
        public Boolean run() {
            times.stamp(handle, path);
            return Boolean.TRUE;
        }

        @Override
        public void done(Boolean result, Throwable failure) {
            if (failure != null) {
                LOG.log(Level.WARNING, "the delayed write time update of " + path + " failed", failure);
            }
        }

        @Override
        public void discard(Boolean result) {
            // nothing held
        }
    }
}
