package io.swrap.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's example is EchoExampleIT, which CI compiles and runs: the text cannot drift from the code. */
class ReadmeExampleTest {
    @Test
    void theReadmeShowsEchoExampleIt() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```java\n") + "```java\n".length();
        int end = readme.indexOf("```", start);
        assertEquals(Files.readString(Path.of("src/test/java/io/swrap/junit/EchoExampleIT.java")), readme.substring(start, end),
                "README.md's java block must be src/test/java/io/swrap/junit/EchoExampleIT.java as it is");
    }
}
