package io.cinnabar.server.junit;

import io.cinnabar.server.CinnabarServer;
import java.net.URI;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests an embedded Cinnabar server.
 *
 * <pre>{@code
 * @ExtendWith(CinnabarExtension.class)            // a server per test class, flushed before each test
 * class MyTest {
 *     @Test void works(CinnabarServer server) { ... server.port() ... }
 * }
 *
 * class Other {
 *     @RegisterExtension
 *     static final CinnabarExtension redis = CinnabarExtension.perTest();   // a fresh server per test method
 * }
 * }</pre>
 *
 * Servers close when their class or test ends (they live in the context's store). Injects {@link CinnabarServer}, {@link URI} ({@code redis://127.0.0.1:port}) and {@code int} parameters
 * annotated {@link CinnabarPort}. Parallel execution: each class (per-class) or each test (per-test) has its own
 * server on its own port; with concurrent methods in one class, use {@link #perTest()} or
 * {@link #keepDataBetweenTests()}, since flushing would hit the neighbours' data. The shared mode keeps one server
 * for the whole run (never flushed between tests, which may run at the same time).
 */
public final class CinnabarExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private enum Scope { CLASS, TEST, SHARED }

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(CinnabarExtension.class);
    private final Scope scope;
    private final boolean flush;
    private final Consumer<CinnabarServer.Builder> customizer;
    /** The server of the latest class (or the shared one) this extension started or joined, for {@link #server()}. */
    private volatile CinnabarServer current;

    /** Used by {@code @ExtendWith}: a server per test class, flushed before each test. */
    public CinnabarExtension() {
        this(Scope.CLASS, true, b -> { });
    }

    private CinnabarExtension(Scope scope, boolean flush, Consumer<CinnabarServer.Builder> customizer) {
        this.scope = scope;
        this.flush = flush;
        this.customizer = customizer;
    }

    /** One server per test class, flushed before each test. */
    public static CinnabarExtension perClass() {
        return new CinnabarExtension();
    }

    /** A fresh server for each test method (startup takes milliseconds): safe with concurrent methods. */
    public static CinnabarExtension perTest() {
        return new CinnabarExtension(Scope.TEST, false, b -> { });
    }

    /** One server for the whole test run, shared by every class that uses this mode; never flushed. */
    public static CinnabarExtension shared() {
        return new CinnabarExtension(Scope.SHARED, false, b -> { });
    }

    /** Keep data between the tests of a class instead of flushing before each. */
    public CinnabarExtension keepDataBetweenTests() {
        return new CinnabarExtension(scope, false, customizer);
    }

    /** Adjust the server before it starts (password, config parameters, ...). */
    public CinnabarExtension configure(Consumer<CinnabarServer.Builder> customizer) {
        return new CinnabarExtension(scope, flush, this.customizer.andThen(customizer));
    }

    private CinnabarServer startServer() {
        CinnabarServer.Builder builder = CinnabarServer.builder();
        customizer.accept(builder);
        return builder.build().start();
    }

    /** Closes the server when the store that holds it is closed. */
    private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final CinnabarServer server;

        Holder(CinnabarServer server) {
            this.server = server;
        }

        @Override
        public void close() {
            server.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (scope == Scope.CLASS) {
            Holder holder = new Holder(startServer());
            context.getStore(NS).put("server", holder);
            current = holder.server;
        } else if (scope == Scope.SHARED) {
            current = context.getRoot().getStore(NS)
                    .getOrComputeIfAbsent("shared", k -> new Holder(startServer()), Holder.class).server;
        }
    }

    /**
     * The server of a per-class or shared extension registered on a static field, for code that runs outside a
     * test method once the class has started, such as Spring's {@code @DynamicPropertySource}:
     *
     * <pre>{@code
     * @RegisterExtension
     * static final CinnabarExtension redis = CinnabarExtension.shared();
     *
     * @DynamicPropertySource
     * static void redisUrl(DynamicPropertyRegistry registry) {
     *     registry.add("spring.data.redis.url", () -> redis.server().uri().toString());
     * }
     * }</pre>
     *
     * @throws IllegalStateException before the class's servers started, or for {@link #perTest()}
     */
    public CinnabarServer server() {
        CinnabarServer server = current;
        if (server == null) {
            throw new IllegalStateException(scope == Scope.TEST
                    ? "per-test servers belong to test methods: inject CinnabarServer into the test instead"
                    : "no Cinnabar server yet: register the extension on a static field; it starts before the tests");
        }
        return server;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (scope == Scope.TEST) {
            context.getStore(NS).put("server", new Holder(startServer()));
            return;
        }
        if (scope == Scope.CLASS && context.getParent().isPresent()) {
            // registered on an instance field, the extension gets no beforeAll: start with the first test
            ExtensionContext classContext = context.getParent().get();
            current = classContext.getStore(NS)
                    .getOrComputeIfAbsent("server", k -> new Holder(startServer()), Holder.class).server;
        } else if (scope == Scope.SHARED) {
            beforeAll(context);
        }
        if (flush) {
            server(context).flushAll();
        }
    }

    /** The server for the current test. */
    public CinnabarServer server(ExtensionContext context) {
        if (scope == Scope.SHARED) {
            return context.getRoot().getStore(NS).get("shared", Holder.class).server;
        }
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Holder h = c.getStore(NS).get("server", Holder.class);
            if (h != null) {
                return h.server;
            }
        }
        throw new IllegalStateException("no Cinnabar server in this context");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == CinnabarServer.class || type == URI.class
                || (type == int.class && parameter.isAnnotated(CinnabarPort.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (scope == Scope.TEST && context.getTestMethod().isEmpty()) {
            throw new IllegalStateException("per-test servers are only available to test methods");
        }
        CinnabarServer server = server(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == URI.class) {
            return server.uri();
        }
        if (type == int.class) {
            return server.port();
        }
        return server;
    }
}
