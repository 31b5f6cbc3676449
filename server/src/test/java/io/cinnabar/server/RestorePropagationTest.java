package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.db.Propagator;
import io.cinnabar.server.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RESTORE's keyspace events ("new" then "restore"; "del" for a key replaced by an already expired payload) and what
 * it propagates: a relative TTL rewritten to an absolute one with ABSTTL appended, as Redis 7.0 rewrites it.
 */
class RestorePropagationTest {
    /** Redis 7.0.15's DUMP of the string "hello". */
    private static final byte[] HELLO = HexFormat.of().parseHex("000568656c6c6f0a006372df766534200a");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eventsAndPropagation() throws Exception {
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
                    sb.append(i == 0 ? "" : " ").append(i == 3 ? "<payload>" : new String(argv[i],
                            StandardCharsets.UTF_8));
                }
                fed.add(sb.toString());
            }
        };
        try (CinnabarServer s = CinnabarServer.builder().config("notify-keyspace-events", "Egn").build().start();
             RespClient c = new RespClient(s.port());
             RespClient sub = new RespClient(s.port())) {
            s.engine().call(() -> {
                s.engine().keyspace().tap().add(recorder);
                return null;
            });
            sub.call("PSUBSCRIBE", "__keyevent@0__:*");
            byte[] p = HELLO;
            long before = s.engine().clock().millis();
            c.callBytes(b("RESTORE"), b("k"), b("5000"), p, b("IDLETIME"), b("3"));
            c.callBytes(b("RESTORE"), b("a"), b("9999999999999"), p, b("ABSTTL"));
            c.callBytes(b("RESTORE"), b("z"), b("0"), p);
            c.call("SET", "gone", "x");
            c.callBytes(b("RESTORE"), b("gone"), b("1"), p, b("ABSTTL"), b("REPLACE"));
            c.callBytes(b("RESTORE"), b("never"), b("1"), p, b("ABSTTL"));
            String ttl = fed.get(0).split(" ")[2];
            assertTrue(Long.parseLong(ttl) >= before + 5000 && Long.parseLong(ttl) < before + 10000, ttl);
            assertEquals(List.of("RESTORE k " + ttl + " <payload> IDLETIME 3 ABSTTL",
                    "RESTORE a 9999999999999 <payload> ABSTTL", "RESTORE z 0 <payload>", "SET gone x", "DEL gone"), fed);
            // new then restore for each created key, del for the one replaced by an expired payload
            StringBuilder events = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("__keyevent@0__:([a-z]+)\r\n\\$\\d+\r\n(\\w+)")
                        .matcher(sub.readReplyText());
                assertTrue(m.find());
                events.append(m.group(1)).append(' ').append(m.group(2)).append(' ');
            }
            assertEquals("new k restore k new a restore a new z restore z new gone del gone ", events.toString());
        }
    }
}
