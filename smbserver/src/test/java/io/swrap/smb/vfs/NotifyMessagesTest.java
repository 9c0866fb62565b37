package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.swrap.smb.ipc.MalformedMessageException;
import io.swrap.smb.ipc.Message;
import io.swrap.smb.ipc.MessageCodec;
import io.swrap.smb.ipc.MessageType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Change notifications between workers: changes split three to a message with their number, paths intact, bad
 * ones refused.
 */
class NotifyMessagesTest {
    private static ChangeNotify.Change change(String path, int action) {
        return new ChangeNotify.Change(Path.of(path), action, ChangeNotify.FILE_NOTIFY_CHANGE_FILE_NAME);
    }

    @Test
    void fourChangesTakeTwoMessagesAndComeBackInOrder() throws Exception {
        List<ChangeNotify.Change> changes = List.of(change("/s/a", 1), change("/s/dir/ü b", 4),
                change("/s/dir/c", 5), change("/s/d", 2));
        List<Message> ms = NotifyMessages.changes(1L << 40, changes, 5);
        assertEquals(2, ms.size());
        List<ChangeNotify.Change> back = new java.util.ArrayList<>();
        for (Message m : ms) {
            NotifyMessages.Report r = NotifyMessages.decode(MessageCodec.decode(MessageCodec.encode(m, 16384)));
            assertNull(r.deletePending());
            assertEquals(1L << 40, r.number(), "both messages of one operation carry its number");
            back.addAll(r.changes());
        }
        assertEquals(changes, back);
    }

    @Test
    void aDeletePendingDirectoryTravelsAlone() throws Exception {
        NotifyMessages.Report r = NotifyMessages.decode(NotifyMessages.deletePending(Path.of("/s/dir"), 5));
        assertEquals(Path.of("/s/dir"), r.deletePending());
        assertEquals(List.of(), r.changes());
    }

    @Test
    void aMalformedNotificationIsRefusedNamingWhatIsWrong() {
        assertEquals("NOTIFY from pid 1 ids [0, 3, 1, 1] payload 3 B: path of 5 bytes, 1 left",
                refused(new Message(MessageType.NOTIFY, 1, new long[] {0, 3, 1, 1}, new byte[] {0, 5, '/'})));
        assertEquals("NOTIFY from pid 1 ids [0, 3, 1, 1] payload 4 B: path x is not absolute",
                refused(new Message(MessageType.NOTIFY, 1, new long[] {0, 3, 1, 1}, new byte[] {0, 1, 'x', 0})));
        assertEquals("NOTIFY from pid 1 ids [0, 3, 9, 1] payload 0 B: action 9 filter 1 (expected: action 1..5,"
                + " filter 0..0xffff)", refused(new Message(MessageType.NOTIFY, 1, 0, 3, 9, 1)));
        assertEquals("NOTIFY from pid 1 ids [0, 0, 1, 1] payload 0 B: change number 0 (expected: at least 1)",
                refused(new Message(MessageType.NOTIFY, 1, 0, 0, 1, 1)));
        assertEquals("NOTIFY from pid 1 ids [0, 1, 1] payload 0 B: kind 0 with 3 ids (expected: 0 with a number"
                + " and 2 per change, or 1 alone)", refused(new Message(MessageType.NOTIFY, 1, 0, 1, 1)));
        assertEquals("NOTIFY from pid 1 ids [7] payload 0 B: kind 7 with 1 ids (expected: 0 with a number and 2"
                + " per change, or 1 alone)", refused(new Message(MessageType.NOTIFY, 1, 7)));
        assertEquals("NOTIFY from pid 1 ids [1] payload 5 B: 1 bytes after the paths", refused(new Message(
                MessageType.NOTIFY, 1, new long[] {1}, new byte[] {0, 2, '/', 'a', 0})));
    }

    private static String refused(Message m) {
        return assertThrows(MalformedMessageException.class, () -> NotifyMessages.decode(m)).getMessage();
    }
}
