package io.swrap.agent.faults;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.agent.api.SwrapNetwork;
import io.swrap.agent.table.SocketTable;
import java.net.NoRouteToHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connect reads {@code swrap.links.down} again only when the table's links generation moved: one
 * process (this one, as a long-lived JVM would) sees every change made through {@link SwrapNetwork}.
 */
class LinksGenerationTest {
    private static final String DEST = "127.0.0.11:7000";

    @TempDir
    Path dir;

    @Test
    void aLongLivedProcessSeesEveryLinkChangeAndReadsTheFileOnlyAfterOne() throws Exception {
        SocketTable table = SocketTable.open(dir, 16);
        try (SwrapNetwork control = SwrapNetwork.open(dir)) {
            Faults.checkConnect(dir, table, 21, 11, DEST); // nothing down
            control.link(11).down();
            NoRouteToHostException e = assertThrows(NoRouteToHostException.class,
                    () -> Faults.checkConnect(dir, table, 21, 11, DEST));
            assertTrue(e.getMessage().contains("fake interface 11 is down"), e.getMessage());
            Faults.checkConnect(dir, table, 21, 12, DEST); // another destination, from an interface that is up
            control.link(11).up();
            Faults.checkConnect(dir, table, 21, 11, DEST);
            control.link(21).down();
            assertThrows(NoRouteToHostException.class, () -> Faults.checkConnect(dir, table, 21, 11, DEST),
                    "the source interface is down");
            control.link(21).up();
            Faults.checkConnect(dir, table, 21, 11, DEST);

            // The generation is the signal: a file written without it is not read (no stat per connect)
            Files.writeString(Faults.linksFile(dir), "11\n");
            Faults.checkConnect(dir, table, 21, 11, DEST);
            table.linksChanged();
            assertThrows(NoRouteToHostException.class, () -> Faults.checkConnect(dir, table, 21, 11, DEST));
        } finally {
            table.close();
        }
    }
}
