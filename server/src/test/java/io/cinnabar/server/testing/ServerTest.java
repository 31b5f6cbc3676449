package io.cinnabar.server.testing;

import io.cinnabar.server.CinnabarServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Base for command tests: one embedded server per class, flushed before each test, a raw client per test. */
public abstract class ServerTest {
    protected static CinnabarServer server;
    protected RespClient client;

    @BeforeAll
    static void startServer() {
        server = CinnabarServer.builder().config("enable-debug-command", "yes").build().start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void connect() {
        server.flushAll();
        client = new RespClient(server.port());
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    /** Sends a command and returns the raw reply. */
    protected String call(String... args) {
        return client.call(args);
    }

    protected static String bulk(String s) {
        return "$" + s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }
}
