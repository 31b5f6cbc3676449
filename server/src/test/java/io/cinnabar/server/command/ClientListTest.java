package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.protocol.RespValue;
import io.cinnabar.server.testing.RespClient;
import io.cinnabar.server.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientListTest extends ServerTest {
    /** catClientInfoString's fields in Redis 7.0.15 (redis-cli CLIENT LIST against it). */
    static final List<String> FIELDS = List.of("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db",
            "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll",
            "omem", "tot-mem", "events", "cmd", "user", "redir", "resp");

    /** field → value of each client line, by client id. */
    private Map<String, Map<String, String>> list(RespClient from) {
        String text = RespValue.parse(from.call("CLIENT", "LIST").getBytes(StandardCharsets.UTF_8)).text();
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Map<String, String> fields = parseLine(line);
            out.put(fields.get("id"), fields);
        }
        return out;
    }

    static Map<String, String> parseLine(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : line.trim().split(" ")) {
            int eq = pair.indexOf('=');
            fields.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return fields;
    }

    private static String id(RespClient c) {
        return c.call("CLIENT", "ID").substring(1).trim();
    }

    @Test
    void fieldsInRedisOrderWithTheCallersOwnRequestInFlight() {
        String info = RespValue.parse(call("CLIENT", "INFO").getBytes(StandardCharsets.UTF_8)).text();
        assertTrue(info.endsWith("\n"));
        Map<String, String> self = parseLine(info);
        assertEquals(FIELDS, new ArrayList<>(self.keySet()));
        assertEquals("client|info", self.get("cmd"));
        assertEquals("N", self.get("flags"));
        assertEquals("-1", self.get("multi"));
        assertEquals("default", self.get("user"));
        assertEquals("2", self.get("resp"));
        assertEquals("r", self.get("events"));
        // the request being served is still in the query buffer, as in Redis: *2 $6 client $4 info
        assertEquals("26", self.get("qbuf"));
        assertEquals("10", self.get("argv-mem"));
        assertTrue(Integer.parseInt(self.get("fd")) > 2, self.get("fd"));
        assertTrue(self.get("laddr").endsWith(":" + server.port()));
        assertTrue(Integer.parseInt(self.get("rbs")) >= 1024);
        long totMem = Long.parseLong(self.get("tot-mem"));
        assertTrue(totMem >= Long.parseLong(self.get("rbs")) + 26 + 10, self.toString());
    }

    @Test
    void anotherClientsPartialRequestShowsInQbufAndArgvMem() throws Exception {
        try (RespClient other = new RespClient(server.port())) {
            String id = id(other);
            Map<String, String> idle = list(client).get(id);
            assertEquals("client|id", idle.get("cmd"));
            assertEquals("0", idle.get("qbuf"));
            assertEquals("0", idle.get("argv-mem"), "no command in flight");
            other.sendText("*2\r\n$3\r\nGET\r\n");
            Map<String, String> partial = awaitField(id, "argv-mem", "3");
            assertEquals("0", partial.get("qbuf"));
            other.sendText("$3\r\nab");
            partial = awaitField(id, "qbuf", "2"); // as Redis: the header is parsed, "ab" waits
            assertEquals("3", partial.get("argv-mem"));
            other.sendText("c\r\n");
            assertEquals("$-1\r\n", other.readReplyText());
            Map<String, String> done = list(client).get(id);
            assertEquals("0", done.get("qbuf"));
            assertEquals("0", done.get("argv-mem"));
            assertEquals("get", done.get("cmd"));
            other.call("NOSUCH");
            assertEquals("NULL", list(client).get(id).get("cmd"), "an unknown command leaves cmd=NULL");
            other.call("GET");
            assertEquals("get", list(client).get(id).get("cmd"), "a rejected command still names it");
            other.call("CLIENT", "NO-EVICT", "on");
            assertEquals("e", list(client).get(id).get("flags"));
        }
    }

    private Map<String, String> awaitField(String id, String field, String value) throws InterruptedException {
        Map<String, String> fields = null;
        for (int i = 0; i < 200; i++) {
            fields = list(client).get(id);
            if (value.equals(fields.get(field))) {
                return fields;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(field + "=" + value + " never seen: " + fields);
    }

    @Test
    void unreadRepliesShowInOllOmemAndEvents() throws Exception {
        byte[] big = new byte[4 << 20];
        java.util.Arrays.fill(big, (byte) 'x');
        client.callBytes("SET".getBytes(StandardCharsets.US_ASCII), "big".getBytes(StandardCharsets.US_ASCII), big);
        try (RespClient reader = new RespClient(server.port())) {
            String id = id(reader);
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                pipeline.append("GET big\r\n");
            }
            reader.sendText(pipeline.toString()); // 64 MB of replies that nobody reads
            Map<String, String> fields = null;
            for (int i = 0; i < 500; i++) {
                fields = list(client).get(id);
                if (Long.parseLong(fields.get("omem")) > 0) {
                    break;
                }
                Thread.sleep(10);
            }
            assertTrue(Long.parseLong(fields.get("omem")) > 0, fields.toString());
            assertTrue(Long.parseLong(fields.get("oll")) > 0, fields.toString());
            assertEquals("rw", fields.get("events"));
            assertTrue(Long.parseLong(fields.get("tot-mem")) > Long.parseLong(fields.get("omem")));
            String clients = RespValue.parse(client.call("INFO", "memory").getBytes(StandardCharsets.UTF_8)).text();
            assertTrue(clients.contains("mem_clients_normal:"));
        }
    }

    @Test
    void replyBufferShrinksOnTheClientCronAsRedis() throws Exception {
        try (RespClient other = new RespClient(server.port())) {
            String id = id(other);
            Map<String, String> fields = null;
            for (int i = 0; i < 400; i++) { // the cron visits each client every second: reset the peak, then shrink
                fields = list(client).get(id);
                if (fields.get("rbs").equals("1024")) {
                    break;
                }
                Thread.sleep(10);
            }
            assertEquals("1024", fields.get("rbs"), fields.toString());
            assertEquals("0", fields.get("rbp"));
            String stats = RespValue.parse(call("INFO", "stats").getBytes(StandardCharsets.UTF_8)).text();
            assertTrue(!stats.contains("reply_buffer_shrinks:0\r\n"), stats);
            other.call("SET", "k", "v".repeat(1500));
            other.call("GET", "k");
            assertEquals("1509", list(client).get(id).get("rbp"), "the peak follows the largest reply batch");
        }
    }
}
