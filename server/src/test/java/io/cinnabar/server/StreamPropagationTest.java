package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.db.Propagator;
import io.cinnabar.server.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What stream commands feed the propagation tap: the commands Redis 7.0.15 writes to its AOF for the same
 * sequence (XREADGROUP, XCLAIM and XAUTOCLAIM as XCLAIM ... LASTID, XGROUP SETID and CREATECONSUMER; XADD with the
 * generated ID and the exact trim), wrapped in MULTI/EXEC when one command propagates several.
 */
class StreamPropagationTest {
    private static void awaitBlocked(RespClient probe, int n) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (probe.call("INFO", "clients").contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("never " + n + " blocked clients");
    }

    @Test
    void writesPropagateInTheFormReplicasReplay() throws Exception {
        List<String> fed = new ArrayList<>();
        Propagator recorder = new Propagator() {
            @Override
            public boolean active() {
                return true;
            }

            @Override
            public void feed(int db, byte[][] argv, int argc) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < argc; i++) {
                    sb.append(i == 0 ? "" : " ").append(new String(argv[i], StandardCharsets.UTF_8));
                }
                fed.add(sb.toString());
            }
        };
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port());
             RespClient blocked = new RespClient(server.port())) {
            server.engine().call(() -> {
                server.engine().keyspace().tap().add(recorder);
                return null;
            });
            c.call("XADD", "p", "1-0", "f", "v");
            c.call("XADD", "p", "2-0", "f", "v");
            c.call("XADD", "p", "3-0", "f", "v");
            c.call("XGROUP", "CREATE", "p", "g", "0");
            c.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "p", ">");
            c.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "p", "0"); // history: nothing propagates
            c.call("XREADGROUP", "GROUP", "g", "c2", "NOACK", "STREAMS", "p", "0");
            c.call("XADD", "p", "4-0", "f", "v");
            c.call("XREADGROUP", "GROUP", "g", "c3", "NOACK", "STREAMS", "p", ">");
            c.call("XREADGROUP", "GROUP", "g", "c4", "STREAMS", "p", ">"); // creates c4 only: not propagated
            c.call("XACK", "p", "g", "1-0");
            c.call("XACK", "p", "g", "1-0"); // nothing acknowledged: nothing propagated
            c.call("XCLAIM", "p", "g", "c5", "0", "2-0", "3", "LASTID", "9-0");
            c.call("XCLAIM", "p", "g", "c5", "0", "3", "JUSTID", "LASTID", "10-0");
            c.call("XDEL", "p", "2-0");
            c.call("XAUTOCLAIM", "p", "g", "c6", "0", "0", "COUNT", "10");
            c.call("XGROUP", "CREATECONSUMER", "p", "g", "c7");
            c.call("XGROUP", "CREATECONSUMER", "p", "g", "c7");
            c.call("XSETID", "p", "20-0");
            c.call("XADD", "p", "MAXLEN", "~", "0", "21-0", "f", "v");
            c.call("XTRIM", "p", "MAXLEN", "~", "0");
            c.call("XADD", "p", "22-*", "f", "v");
            c.call("XADD", "p", "MINID", "~", "5", "23-*", "f", "v");
            c.call("XGROUP", "CREATE", "p", "g9", "$");
            blocked.send(RespClient.encode("XREADGROUP", "GROUP", "g9", "c8", "BLOCK", "0", "STREAMS", "p", ">"));
            awaitBlocked(c, 1);
            c.call("XADD", "p", "30-0", "f", "v");
            blocked.readReply();
            long deliveredAt = server.clock().now().toEpochMilli();
            List<String> times = new ArrayList<>();
            for (int i = 0; i < fed.size(); i++) {
                String line = fed.get(i);
                int t = line.indexOf(" TIME ");
                if (t >= 0) {
                    int end = line.indexOf(' ', t + 6);
                    long time = Long.parseLong(line.substring(t + 6, end));
                    assertTrue(Math.abs(time - deliveredAt) < 10_000, line);
                    fed.set(i, line.substring(0, t + 6) + "T" + line.substring(end));
                }
            }
            assertEquals(List.of(
                    "XADD p 1-0 f v", "XADD p 2-0 f v", "XADD p 3-0 f v", "XGROUP CREATE p g 0",
                    "MULTI",
                    "XCLAIM p g c1 0 1-0 TIME T RETRYCOUNT 1 FORCE JUSTID LASTID 1-0",
                    "XCLAIM p g c1 0 2-0 TIME T RETRYCOUNT 1 FORCE JUSTID LASTID 2-0",
                    "XCLAIM p g c1 0 3-0 TIME T RETRYCOUNT 1 FORCE JUSTID LASTID 3-0",
                    "EXEC",
                    "XGROUP CREATECONSUMER p g c2",
                    "XADD p 4-0 f v",
                    "MULTI", "XGROUP CREATECONSUMER p g c3", "XGROUP SETID p g 4-0 ENTRIESREAD 4", "EXEC",
                    "XACK p g 1-0",
                    "MULTI",
                    "XCLAIM p g c5 0 2-0 TIME T RETRYCOUNT 3 FORCE JUSTID LASTID 9-0",
                    "XCLAIM p g c5 0 3 TIME T RETRYCOUNT 3 FORCE JUSTID LASTID 9-0",
                    "EXEC",
                    "XCLAIM p g c5 0 3 TIME T RETRYCOUNT 3 FORCE JUSTID LASTID 10-0",
                    "XDEL p 2-0",
                    "MULTI",
                    "XCLAIM p g c5 0 2-0 TIME T RETRYCOUNT 3 FORCE JUSTID LASTID 10-0",
                    "XCLAIM p g c6 0 3-0 TIME T RETRYCOUNT 4 FORCE JUSTID LASTID 10-0",
                    "EXEC",
                    "XGROUP CREATECONSUMER p g c7",
                    "XSETID p 20-0",
                    "XADD p MAXLEN = 0 21-0 f v",
                    "XADD p 22-0 f v",
                    "XADD p MINID = 22-0 23-0 f v",
                    "XGROUP CREATE p g9 $",
                    "XADD p 30-0 f v",
                    // a served blocked reader: its consumer is created then, and only NOACK would propagate that
                    "XCLAIM p g9 c8 0 30-0 TIME T RETRYCOUNT 1 FORCE JUSTID LASTID 30-0"), fed);
        }
    }
}
