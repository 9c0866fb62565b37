package io.swrap.agent.hooks;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * A method of a library class the application loads itself (junixsocket), advised when that
 * class loads. Parameters are type names, as the classes are not visible to the agent.
 *
 * @param className  the class, e.g. {@code org.newsclub.net.unix.AncillaryDataSupport}
 * @param methodName the method
 * @param parameters its parameter types' names, exactly ({@code int[]}, {@code java.nio.ByteBuffer})
 * @param advice     the advice class inlined into it
 */
record LateHook(String className, String methodName, List<String> parameters, Class<?> advice) {

    ElementMatcher.Junction<MethodDescription> matcher() {
        ElementMatcher.Junction<MethodDescription> m = named(methodName);
        m = m.and(takesArguments(parameters.size()));
        for (int i = 0; i < parameters.size(); i++) {
            m = m.and(takesArgument(i, named(parameters.get(i))));
        }
        return m;
    }

    @Override
    public String toString() {
        return className + "." + methodName + "(" + String.join(", ", parameters) + ") <- " + advice.getSimpleName();
    }
}
