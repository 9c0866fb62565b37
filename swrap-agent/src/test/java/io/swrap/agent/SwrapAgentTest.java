package io.swrap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class SwrapAgentTest {
    @Test
    void premainClassLoadsOnJava8() throws Exception {
        try (InputStream in = SwrapAgent.class.getResourceAsStream("SwrapAgent.class");
             DataInputStream data = new DataInputStream(in)) {
            assertEquals(0xCAFEBABE, data.readInt());
            data.readUnsignedShort();
            assertEquals(52, data.readUnsignedShort(), "class file major version of the Premain-Class");
        }
    }

    @Test
    void featureReleaseReadsOldAndNewVersionStrings() {
        assertEquals(8, SwrapAgent.featureRelease("1.8"));
        assertEquals(17, SwrapAgent.featureRelease("17"));
        assertEquals(25, SwrapAgent.featureRelease("25"));
        assertEquals(0, SwrapAgent.featureRelease("x"));
    }
}
