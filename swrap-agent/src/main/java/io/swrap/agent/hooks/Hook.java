package io.swrap.agent.hooks;

import java.util.Arrays;

/**
 * One JDK method the agent advises. Each hook's method is looked for in the class file as the class
 * is advised, so a JDK whose internals moved is reported by name (before main, or by stopping the
 * JVM when the class loads later) instead of silently running unwrapped.
 *
 * @param className  the JDK class
 * @param methodName the method
 * @param parameters its parameter types, exactly
 * @param advice     the advice class inlined into it
 */
record Hook(String className, String methodName, Class<?>[] parameters, Class<?> advice) {

    @Override
    public String toString() {
        return className + "." + methodName + "(" + String.join(", ",
                Arrays.stream(parameters).map(Class::getSimpleName).toList()) + ") <- " + advice.getSimpleName();
    }
}
