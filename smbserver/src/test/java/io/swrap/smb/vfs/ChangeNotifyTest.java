package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A change reaches the watches armed before it was made, however late it is reported to them: two hubs on one
 * sequence play two workers, a list of numbered reports the messages between them, delivered when the test says.
 */
class ChangeNotifyTest {
    private static final Path DIR = Path.of("/share/sub");

    private record Sent(long number, List<ChangeNotify.Change> changes) {
    }

    private static ChangeNotify worker(ChangeNotify.Sequence shared, List<Sent> outbox) {
        ChangeNotify hub = new ChangeNotify();
        hub.alsoReportTo(shared, (n, changes) -> outbox.add(new Sent(n, changes)), dir -> { });
        return hub;
    }

    private static ChangeNotify.Watch watch() {
        return new ChangeNotify.Watch(DIR, false, ChangeNotify.FILE_NOTIFY_CHANGE_FILE_NAME, 4096, () -> { });
    }

    private static void added(ChangeNotify hub, String name) {
        hub.report(DIR.resolve(name), ChangeNotify.FILE_ACTION_ADDED, ChangeNotify.FILE_NOTIFY_CHANGE_FILE_NAME);
    }

    @Test
    void aChangeFromAnotherWorkerArrivingAfterTheWatchWasArmedIsIgnoredWhenItWasMadeBefore() {
        ChangeNotify.Sequence shared = ChangeNotify.inProcess();
        List<Sent> toA = new ArrayList<>();
        ChangeNotify a = worker(shared, new ArrayList<>());
        ChangeNotify b = worker(shared, toA);

        added(b, "before"); // its message to worker A is still on the way
        ChangeNotify.Watch w = watch();
        a.add(w);
        List<List<ChangeNotify.Event>> got = new ArrayList<>();
        assertNull(w.takeOrWait(got::add), "nothing is queued: the request waits");
        deliver(toA, a); // the late message
        assertEquals(List.of(), got, "a change made before the watch was armed does not complete its request");

        added(b, "after");
        deliver(toA, a);
        assertEquals(List.of(List.of(new ChangeNotify.Event(ChangeNotify.FILE_ACTION_ADDED, "after"))), got);
    }

    private static void deliver(List<Sent> messages, ChangeNotify to) {
        for (Sent s : messages) {
            to.reportHere(s.number(), s.changes());
        }
        messages.clear();
    }

    @Test
    void changesBetweenTwoRequestsOnOneHandleQueueOnItsWatch() {
        ChangeNotify.Sequence shared = ChangeNotify.inProcess();
        List<Sent> toA = new ArrayList<>();
        ChangeNotify a = worker(shared, new ArrayList<>());
        ChangeNotify b = worker(shared, toA);
        ChangeNotify.Watch w = watch();
        a.add(w); // the handle's first CHANGE_NOTIFY, then canceled: the watch stays armed
        added(b, "one");
        added(a, "two");
        added(b, "three");
        deliver(toA, a); // arriving after "two", made around it
        assertEquals(List.of(new ChangeNotify.Event(ChangeNotify.FILE_ACTION_ADDED, "two"),
                new ChangeNotify.Event(ChangeNotify.FILE_ACTION_ADDED, "one"),
                new ChangeNotify.Event(ChangeNotify.FILE_ACTION_ADDED, "three")), w.takeOrWait(events -> { }));
    }

    @Test
    void theSequenceCannotBeReplacedUnderAnArmedWatch() {
        ChangeNotify hub = new ChangeNotify();
        hub.add(watch());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> hub.alsoReportTo(ChangeNotify.inProcess(), (n, c) -> { }, d -> { }));
        assertEquals("1 watches are armed already: their numbers come from the sequence being replaced",
                e.getMessage());
    }
}
