package io.cinnabar.server.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

class CinnabarExtensionTest {
    @Nested
    @ExtendWith(CinnabarExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class PerClassFlushesBetweenTests {
        @Test
        @Order(1)
        void writes(CinnabarServer server, URI uri, @CinnabarPort int port) {
            assertEquals(server.port(), port);
            assertEquals("redis://127.0.0.1:" + port, uri.toString());
            try (RespClient c = new RespClient(port)) {
                c.call("SET", "k", "v");
            }
        }

        @Test
        @Order(2)
        void seesAnEmptyServer(@CinnabarPort int port) {
            try (RespClient c = new RespClient(port)) {
                assertEquals(":0\r\n", c.call("DBSIZE"));
            }
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class KeepsDataWhenAsked {
        @RegisterExtension
        final CinnabarExtension redis = CinnabarExtension.perClass().keepDataBetweenTests()
                .configure(b -> b.password("secret"));

        @Test
        @Order(1)
        void writes(@CinnabarPort int port) {
            try (RespClient c = new RespClient(port)) {
                assertEquals("-NOAUTH Authentication required.\r\n", c.call("SET", "k", "v"));
                c.call("AUTH", "secret");
                c.call("SET", "k", "v");
            }
        }

        @Test
        @Order(2)
        void stillSeesIt(@CinnabarPort int port) {
            try (RespClient c = new RespClient(port)) {
                c.call("AUTH", "secret");
                assertEquals("$1\r\nv\r\n", c.call("GET", "k"));
            }
        }
    }

    @Nested
    @Execution(ExecutionMode.CONCURRENT)
    class PerTestServersRunConcurrently {
        static final Set<Integer> PORTS = ConcurrentHashMap.newKeySet();

        @RegisterExtension
        final CinnabarExtension redis = CinnabarExtension.perTest();

        @RepeatedTest(6)
        void eachTestHasItsOwnServer(CinnabarServer server) {
            assertTrue(PORTS.add(server.port()), "a fresh server (and port) per test");
            try (RespClient c = new RespClient(server.port())) {
                assertEquals(":0\r\n", c.call("DBSIZE"));
                c.call("SET", "mine", "1");
                assertEquals(":1\r\n", c.call("DBSIZE"));
            }
        }

        @AfterAll
        static void allDistinct() {
            assertEquals(6, PORTS.size());
        }
    }
}
