package io.swrap.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class fake networks of real processes ({@link SwrapExtension}): test methods,
 * {@code @BeforeAll}/{@code @BeforeEach} methods and constructors declare a {@link SwrapEnv} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(SwrapExtension.class)
public @interface SwrapNet {
    /** One network per test method instead of one for the whole class. */
    boolean perTest() default false;

    /** Capture every packet to {@code capture.pcap} (kept, with the outputs, when a test fails). */
    boolean capture() default true;

    /** Link emulation for every process of the network ({@code SWRAP_LINKS}), e.g. {@code 11:100mibit,2ms}. */
    String links() default "";
}
