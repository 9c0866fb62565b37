package io.swrap.smb.smb2.fscc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WildcardTest {
    @Test
    void starQuestionMarkAndDosForms() {
        assertTrue(Wildcard.matches("*", "anything"));
        assertTrue(Wildcard.matches("", "anything"));
        assertTrue(Wildcard.matches("*.TXT", "notes.txt"));
        assertFalse(Wildcard.matches("*.txt", "notes.txt.bak"));
        assertTrue(Wildcard.matches("a?c", "ABC"));
        assertFalse(Wildcard.matches("a?c", "ac"));
        assertTrue(Wildcard.matches("*a*b*", "xxaxxbxx"));
        assertTrue(Wildcard.matches("<.dat", "file.dat"));
        assertTrue(Wildcard.matches("file\"dat", "file.dat"));
        assertTrue(Wildcard.matches("*.*", "noextension"));
        assertFalse(Wildcard.matches("exact", "exactly"));
    }
}
