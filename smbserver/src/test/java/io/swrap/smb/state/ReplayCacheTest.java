package io.swrap.smb.state;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ReplayCacheTest {
    private static final byte[] GUID = new byte[16];
    private final ReplayCache cache = new ReplayCache();
    private final Open open = new Open(7, 7, null, false, 0, null, null, null);

    @Test
    void aCreateIsPendingUntilItsOpenExists() {
        String key = ReplayCache.key("c1", GUID);
        ReplayCache.Entry e = cache.begin(key);
        assertNotNull(e);
        assertNull(cache.lookup(key).open(), "pending");
        assertNull(cache.begin(key), "a second CREATE with the CreateGuid is refused");
        cache.complete(key, e, open);
        assertSame(open, cache.lookup(key).open());
    }

    @Test
    void usingTheOpenEndsItsReplays() {
        String key = ReplayCache.key("c1", GUID);
        cache.complete(key, cache.begin(key), open);
        cache.forget(open);
        assertNull(cache.lookup(key));
        assertNotNull(cache.begin(key), "the CreateGuid is free for a new CREATE");
    }

    @Test
    void aFailedCreateFreesItsCreateGuidAndKeysAreperClient() {
        String key = ReplayCache.key("c1", GUID);
        ReplayCache.Entry e = cache.begin(key);
        assertNotNull(cache.begin(ReplayCache.key("c2", GUID)), "another client's CreateGuid space");
        cache.abandon(key, e);
        assertNull(cache.lookup(key));
    }
}
