package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import io.cinnabar.server.junit.CinnabarPort;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** redis-cli against the embedded server, when redis-cli is installed (CI installs it). */
@ExtendWith(CinnabarExtension.class)
class RedisCliTest {
    private static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "redis-cli").canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static String cli(int port, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "redis-cli finished");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void oneShotCommands(@CinnabarPort int port) throws Exception {
        assumeTrue(installed(), "redis-cli is not installed");
        assertEquals("PONG\n", cli(port, null, "ping"));
        assertEquals("OK\n", cli(port, null, "set", "k", "hello world"));
        assertEquals("hello world\n", cli(port, null, "get", "k"));
        assertEquals("(integer) 1\n", cli(port, null, "--no-raw", "exists", "k"));
        assertEquals("(nil)\n", cli(port, null, "--no-raw", "get", "nope"));
        assertEquals("1\n", cli(port, null, "-3", "exists", "k"));
    }

    @Test
    void interactiveStartFetchesCommandDocs(CinnabarServer server) throws Exception {
        assumeTrue(installed(), "redis-cli is not installed");
        // redis-cli reads COMMAND DOCS when it starts interactively (here: commands from standard input)
        String out = cli(server.port(), "set a 1\nget a\nincr a\n");
        assertEquals("OK\n1\n2\n", out);
    }
}
