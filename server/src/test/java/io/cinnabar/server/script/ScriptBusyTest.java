package io.cinnabar.server.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import org.junit.jupiter.api.Test;

/** Runaway scripts: BUSY for others past busy-reply-threshold, SCRIPT KILL, UNKILLABLE, SHUTDOWN NOSAVE. */
class ScriptBusyTest {
    private static final String BUSY =
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

    private static CinnabarServer server() {
        return CinnabarServer.builder().config("busy-reply-threshold", "100").build().start();
    }

    @Test
    void scriptKillStopsALoopingScriptEvenInsidePcall() throws Exception {
        try (CinnabarServer server = server();
             RespClient runner = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            runner.send(RespClient.encode("EVAL", "pcall(function() while true do end end) while true do end", "0"));
            Thread.sleep(300);
            assertEquals(BUSY, other.call("GET", "x"));
            assertEquals(BUSY, other.call("SHUTDOWN"));
            assertEquals("+OK\r\n", other.call("SCRIPT", "KILL"));
            String reply = runner.readReplyText();
            assertTrue(reply.startsWith("-ERR Script killed by user with SCRIPT KILL... script: "), reply);
            assertTrue(reply.endsWith(", on @user_script:1.\r\n"), reply);
            assertEquals("$-1\r\n", other.call("GET", "x"));
            assertEquals("+PONG\r\n", runner.call("PING"));
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", other.call("SCRIPT", "KILL"));
        }
    }

    @Test
    void aScriptThatWroteCannotBeKilledButShutdownNosaveStopsTheServer() throws Exception {
        CinnabarServer server = server();
        try (RespClient runner = new RespClient(server.port()); RespClient other = new RespClient(server.port())) {
            runner.send(RespClient.encode("EVAL", "redis.call('set', 'w', '1') while true do end", "0"));
            Thread.sleep(300);
            assertTrue(other.call("SCRIPT", "KILL").startsWith("-UNKILLABLE Sorry the script already executed write "
                    + "commands against the dataset."));
            other.send(RespClient.encode("SHUTDOWN", "NOSAVE"));
            assertTrue(other.closedByServer());
            server.awaitStop();
        } finally {
            server.close();
        }
    }

    @Test
    void shortScriptsNeverMakeOthersBusy() {
        try (CinnabarServer server = server(); RespClient c = new RespClient(server.port())) {
            for (int i = 0; i < 200; i++) {
                assertEquals(":" + (i + 1) + "\r\n", c.call("EVAL", "return redis.call('incr', KEYS[1])", "1", "n"));
            }
        }
    }

    @Test
    void dataTasksFromTheEmbeddingApiWaitForALongScript() throws Exception {
        try (CinnabarServer server = server(); RespClient runner = new RespClient(server.port())) {
            runner.send(RespClient.encode("EVAL",
                    "local t = redis.call('time')[1] + 0; redis.call('set', 'k', 'v'); "
                            + "local n = 0; for i = 1, 30000000 do n = n + 1 end return n", "0"));
            Thread.sleep(200);
            server.flushAll(); // waits for the script: it must not empty the keyspace under it
            assertEquals(":30000000\r\n", runner.readReplyText());
            try (RespClient c = new RespClient(server.port())) {
                assertEquals(":0\r\n", c.call("DBSIZE"));
            }
        }
    }

    @Test
    void aPipelineAroundASlowScriptKeepsItsOrderWhileOthersGetBusy() throws Exception {
        try (CinnabarServer server = server();
             RespClient runner = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            // one write: the script comes from the middle of a socket read and still serves the others when slow
            java.io.ByteArrayOutputStream pipeline = new java.io.ByteArrayOutputStream();
            pipeline.writeBytes(RespClient.encode("SET", "a", "1"));
            pipeline.writeBytes(RespClient.encode("EVAL", "local t = redis.call('time') local n = 0 "
                    + "while n < 30000000 do n = n + 1 end return redis.call('incr', 'a')", "0"));
            pipeline.writeBytes(RespClient.encode("GET", "a"));
            runner.send(pipeline.toByteArray());
            Thread.sleep(300);
            assertEquals(BUSY, other.call("GET", "a"));
            try (RespClient late = new RespClient(server.port())) { // accepted while the script runs
                assertEquals(BUSY, late.call("GET", "a"));
            }
            assertEquals("+OK\r\n", runner.readReplyText());
            assertEquals(":2\r\n", runner.readReplyText());
            assertEquals("$1\r\n2\r\n", runner.readReplyText());
            assertEquals("$1\r\n2\r\n", other.call("GET", "a"));
        }
    }

    @Test
    void functionKillStopsASlowFunctionThatFunctionStatsShows() throws Exception {
        try (CinnabarServer server = server();
             RespClient runner = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            assertEquals("$4\r\nspin\r\n", runner.call("FUNCTION", "LOAD", "#!lua name=spin\n"
                    + "redis.register_function('spin', function() while true do end end)"));
            runner.send(RespClient.encode("FCALL", "spin", "0"));
            Thread.sleep(300);
            assertEquals("-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n",
                    other.call("GET", "x"));
            String stats = other.call("FUNCTION", "STATS");
            assertTrue(stats.startsWith("*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n"
                    + "$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:"),
                    stats);
            assertEquals("-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n",
                    other.call("SCRIPT", "KILL"));
            assertEquals("+OK\r\n", other.call("FUNCTION", "KILL"));
            String reply = runner.readReplyText();
            assertTrue(reply.startsWith("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:"),
                    reply);
            assertEquals("+PONG\r\n", other.call("PING"));
        }
    }
}
