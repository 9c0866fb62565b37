package io.swrap.agent.hooks;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * One JDK method the agent advises. Each hook is looked up by reflection before installation, so a
 * JDK whose internals moved is reported by name instead of silently running unwrapped.
 *
 * @param className  the JDK class
 * @param methodName the method
 * @param parameters its parameter types, exactly
 * @param advice     the advice class inlined into it
 */
record Hook(String className, String methodName, Class<?>[] parameters, Class<?> advice) {

    /** Checks that the method exists in this JDK; returns a problem description or null. */
    String problem() {
        Class<?> type;
        try {
            type = Class.forName(className, false, null);
        } catch (ClassNotFoundException e) {
            return "class " + className + " not found";
        }
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(methodName) && Arrays.equals(m.getParameterTypes(), parameters)) {
                return null;
            }
        }
        return "method " + this + " not found";
    }

    @Override
    public String toString() {
        return className + "." + methodName + "(" + String.join(", ",
                Arrays.stream(parameters).map(Class::getSimpleName).toList()) + ") <- " + advice.getSimpleName();
    }
}
