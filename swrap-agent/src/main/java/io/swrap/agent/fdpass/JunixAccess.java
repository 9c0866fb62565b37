package io.swrap.agent.fdpass;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;

/**
 * Reads the two junixsocket fields the agent needs and advice cannot hand over: the outbound
 * descriptors still waiting in an {@code AncillaryDataSupport} (its native send clears the field
 * once it took them), and the {@code AncillaryDataSupport} of an {@code AFSocketImpl}. The classes
 * come from the application's class loader, so the handles are found at first use, per class.
 */
final class JunixAccess {
    private static final ClassValue<VarHandle> PENDING = handles("pendingFileDescriptors");
    private static final ClassValue<VarHandle> ANCILLARY = handles("ancillaryDataSupport");

    private JunixAccess() {
    }

    /** {@code AncillaryDataSupport.pendingFileDescriptors}: null once a send took them. */
    static int[] pending(Object ancillaryDataSupport) {
        return (int[]) PENDING.get(ancillaryDataSupport.getClass()).getVolatile(ancillaryDataSupport);
    }

    /** {@code AFSocketImpl.ancillaryDataSupport}. */
    static Object ancillary(Object afSocketImpl) {
        return ANCILLARY.get(afSocketImpl.getClass()).get(afSocketImpl);
    }

    private static ClassValue<VarHandle> handles(String fieldName) {
        return new ClassValue<>() {
            @Override
            protected VarHandle computeValue(Class<?> type) {
                try {
                    // declared by a superclass: AFSocketImpl's field, reached from AFUNIXSocketImpl$Lenient
                    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                        for (Field f : c.getDeclaredFields()) {
                            if (f.getName().equals(fieldName)) {
                                return MethodHandles.privateLookupIn(c, MethodHandles.lookup()).unreflectVarHandle(f);
                            }
                        }
                    }
                    throw new NoSuchFieldException(fieldName);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("swrap-agent cannot read " + type.getName() + "." + fieldName
                            + " (junixsocket " + type.getPackage().getImplementationVersion() + "; this agent knows"
                            + " 2.11.x): " + e, e);
                }
            }
        };
    }
}
