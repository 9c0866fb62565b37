package io.swrap.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link SwrapNet} (or {@code @ExtendWith(SwrapExtension.class)}): a {@link
 * SwrapEnv} per test class — per test method with {@code @SwrapNet(perTest = true)} — created when a
 * parameter first asks for it, in a new directory under {@code java.io.tmpdir}; torn down after the
 * class (or method), where an orphan process fails it. A failed test keeps the network's outputs and
 * capture and prints where they are.
 */
public final class SwrapExtension implements ParameterResolver, AfterTestExecutionCallback, AfterEachCallback,
        AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SwrapExtension.class);
    private static final String KEY = "env";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SwrapEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext owner = owner(context);
        SwrapEnv env = owner.getStore(NS).get(KEY, SwrapEnv.class);
        if (env == null) {
            SwrapNet settings = settings(context);
            try {
                Path base = Files.createTempDirectory("swrap-junit.");
                env = new SwrapEnv(base, settings == null || settings.capture(), settings == null ? "" : settings.links());
            } catch (java.io.IOException e) {
                throw new ParameterResolutionException("cannot create a fake network for " + context.getDisplayName()
                        + ": " + e.getMessage(), e);
            }
            owner.getStore(NS).put(KEY, env);
        }
        return env;
    }

    /** The context whose lifetime the network has: the test method's with perTest, else the class's. */
    private static ExtensionContext owner(ExtensionContext context) {
        SwrapNet settings = settings(context);
        if (settings != null && settings.perTest() && context.getTestMethod().isPresent()) {
            return context;
        }
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static SwrapNet settings(ExtensionContext context) {
        Optional<Class<?>> cls = context.getTestClass();
        return cls.map(c -> c.getAnnotation(SwrapNet.class)).orElse(null);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            SwrapEnv env = owner(context).getStore(NS).get(KEY, SwrapEnv.class);
            if (env != null) {
                env.failed(context.getDisplayName());
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        SwrapNet settings = settings(context);
        if (settings != null && settings.perTest()) {
            close(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (context.getExecutionException().isPresent()) {
            SwrapEnv env = context.getStore(NS).get(KEY, SwrapEnv.class);
            if (env != null) {
                env.failed(context.getDisplayName());
            }
        }
        close(context);
    }

    private static void close(ExtensionContext context) throws Exception {
        SwrapEnv env = context.getStore(NS).remove(KEY, SwrapEnv.class);
        if (env != null) {
            env.close();
        }
    }
}
