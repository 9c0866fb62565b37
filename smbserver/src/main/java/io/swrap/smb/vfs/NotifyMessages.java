package io.swrap.smb.vfs;

import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.ipc.Endpoint;
import io.swrap.smb.ipc.MalformedMessageException;
import io.swrap.smb.ipc.Message;
import io.swrap.smb.ipc.MessageType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * What one worker reports to {@link ChangeNotify} as a NOTIFY message to the others, whose watches must see it
 * too: ids = kind (0: changes, 1: a directory became delete-pending); for changes, then the number the change took
 * from the shared {@link ChangeNotify.Sequence} (a watch armed after it was taken ignores it, however late the
 * message comes) and (action, filter bits) per change; the payload holds the absolute paths, each as a u16 length
 * and UTF-8 bytes (every worker serves the same shares from the same smb.conf, so a path names the same file in
 * each). At most three changes per message (a rename has two); the messages of one operation share its number.
 */
public final class NotifyMessages {
    private static final Logger LOG = Logger.getLogger(NotifyMessages.class.getName());
    private static final long CHANGES = 0;
    private static final long DELETE_PENDING = 1;
    private static final int MAX_CHANGES = (Message.MAX_IDS - 2) / 2;

    /**
     * A report: the changes with their number, or the delete-pending directory, of one message (changes empty and
     * number 0 for a directory).
     */
    public record Report(long number, List<ChangeNotify.Change> changes, Path deletePending) {
    }

    private NotifyMessages() {
    }

    /**
     * Multi-process mode: {@code notify} numbers its changes by {@code shared}, what it reports goes to the other
     * workers too, and what they report is reported here. Received on the messaging's thread: {@link ChangeNotify}
     * is thread-safe and each watch hands its events to the loop of its CHANGE_NOTIFY request.
     */
    public static void exchange(ChangeNotify notify, ChangeNotify.Sequence shared, Messenger messenger) {
        notify.alsoReportTo(shared,
                (number, changes) -> changes(number, changes, messenger.pid()).forEach(messenger::broadcast),
                dir -> messenger.broadcast(deletePending(dir, messenger.pid())));
        messenger.handle(MessageType.NOTIFY, m -> {
            Report r;
            try {
                r = decode(m);
            } catch (MalformedMessageException e) {
                LOG.warning("pid " + messenger.pid() + ": change notification refused: " + e.getMessage());
                return null;
            }
            return new Endpoint.Delivery(Runnable::run, () -> {
                if (r.deletePending() != null) {
                    notify.deletePendingHere(r.deletePending());
                } else {
                    notify.reportHere(r.number(), r.changes());
                }
            });
        });
        // a worker that died has no watches left: nothing to clean up but the sender's one log line
    }

    /** The messages for {@code changes}, numbered {@code number} (one message per three changes, in order). */
    public static List<Message> changes(long number, List<ChangeNotify.Change> changes, long senderPid) {
        if (number < 1) {
            throw new IllegalArgumentException("change number " + number + " (expected: at least 1, from"
                    + " ChangeNotify.Sequence.next)");
        }
        List<Message> out = new ArrayList<>();
        for (int from = 0; from < changes.size(); from += MAX_CHANGES) {
            List<ChangeNotify.Change> part = changes.subList(from, Math.min(changes.size(), from + MAX_CHANGES));
            long[] ids = new long[2 + 2 * part.size()];
            ids[0] = CHANGES;
            ids[1] = number;
            List<Path> paths = new ArrayList<>();
            for (int i = 0; i < part.size(); i++) {
                ids[2 + 2 * i] = part.get(i).action();
                ids[3 + 2 * i] = part.get(i).filterBits();
                paths.add(part.get(i).path());
            }
            out.add(new Message(MessageType.NOTIFY, senderPid, ids, paths(paths)));
        }
        return out;
    }

    public static Message deletePending(Path dir, long senderPid) {
        return new Message(MessageType.NOTIFY, senderPid, new long[] {DELETE_PENDING}, paths(List.of(dir)));
    }

    private static byte[] paths(List<Path> paths) {
        List<byte[]> encoded = paths.stream().map(p -> p.toString().getBytes(StandardCharsets.UTF_8)).toList();
        ByteBuffer b = ByteBuffer.allocate(encoded.stream().mapToInt(e -> 2 + e.length).sum());
        for (byte[] e : encoded) {
            if (e.length > 0xffff) {
                throw new IllegalArgumentException("a path of " + e.length + " bytes (expected: at most 65535)");
            }
            b.putShort((short) e.length).put(e);
        }
        return b.array();
    }

    public static Report decode(Message m) throws MalformedMessageException {
        if (m.type() != MessageType.NOTIFY || m.idCount() < 1) {
            throw new MalformedMessageException(m + ": not a change notification");
        }
        ByteBuffer b = ByteBuffer.wrap(m.payload());
        if (m.id(0) == DELETE_PENDING) {
            if (m.idCount() != 1) {
                throw new MalformedMessageException(m + ": delete-pending with " + m.idCount() + " ids (expected: 1)");
            }
            Path dir = path(m, b);
            end(m, b);
            return new Report(0, List.of(), dir);
        }
        if (m.id(0) != CHANGES || m.idCount() % 2 != 0 || m.idCount() < 4) {
            throw new MalformedMessageException(m + ": kind " + m.id(0) + " with " + m.idCount() + " ids (expected:"
                    + " 0 with a number and 2 per change, or 1 alone)");
        }
        long number = m.id(1);
        if (number < 1) {
            throw new MalformedMessageException(m + ": change number " + number + " (expected: at least 1)");
        }
        List<ChangeNotify.Change> changes = new ArrayList<>();
        for (int i = 2; i < m.idCount(); i += 2) {
            long action = m.id(i);
            long filter = m.id(i + 1);
            if (action < 1 || action > ChangeNotify.FILE_ACTION_RENAMED_NEW_NAME || filter < 0 || filter > 0xffff) {
                throw new MalformedMessageException(m + ": action " + action + " filter " + filter
                        + " (expected: action 1..5, filter 0..0xffff)");
            }
            changes.add(new ChangeNotify.Change(path(m, b), (int) action, (int) filter));
        }
        end(m, b);
        return new Report(number, changes, null);
    }

    private static Path path(Message m, ByteBuffer b) throws MalformedMessageException {
        if (b.remaining() < 2) {
            throw new MalformedMessageException(m + ": payload ends before a path");
        }
        int n = b.getShort() & 0xffff;
        if (b.remaining() < n || n == 0) {
            throw new MalformedMessageException(m + ": path of " + n + " bytes, " + b.remaining() + " left");
        }
        byte[] s = new byte[n];
        b.get(s);
        Path p = Path.of(new String(s, StandardCharsets.UTF_8));
        if (!p.isAbsolute()) {
            throw new MalformedMessageException(m + ": path " + p + " is not absolute");
        }
        return p;
    }

    private static void end(Message m, ByteBuffer b) throws MalformedMessageException {
        if (b.hasRemaining()) {
            throw new MalformedMessageException(m + ": " + b.remaining() + " bytes after the paths");
        }
    }
}
