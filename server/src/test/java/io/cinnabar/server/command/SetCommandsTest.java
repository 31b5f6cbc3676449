package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.ServerTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the scenario cannot compare byte for byte: random picks, large sets, DEBUG OBJECT's figures. */
class SetCommandsTest extends ServerTest {
    /** The bulk strings of an array reply, in order. */
    private static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("$")) {
                out.add(lines[++i]);
            }
        }
        return out;
    }

    private void sadd(String key, int from, int to) {
        List<String> args = new ArrayList<>(List.of("SADD", key));
        for (int i = from; i <= to; i++) {
            args.add(Integer.toString(i));
        }
        call(args.toArray(new String[0]));
    }

    private String serializedLength(String key) {
        return call("DEBUG", "OBJECT", key).replaceAll("(?s).*encoding:(\\w+) serializedlength:(\\d+).*", "$1 $2");
    }

    @Test
    void debugObjectMatchesRedis() {
        call("SADD", "i1", "1", "2", "3");
        sadd("i2", 1, 100);
        call("SADD", "i3", "-5", "70000", "5000000000");
        call("SADD", "h1", "a", "12", "x".repeat(40));
        sadd("h2", 1, 600);
        // Redis 7.0.15's figures for the same sets
        assertEquals("intset 15", serializedLength("i1"));
        assertEquals("intset 210", serializedLength("i2"));
        assertEquals("intset 33", serializedLength("i3"));
        assertEquals("hashtable 17", serializedLength("h1"));
        assertEquals("hashtable 1675", serializedLength("h2"));
    }

    @Test
    void srandmemberPicksDistinctMembersForAPositiveCountAndRepeatsForANegativeOne() {
        for (String key : new String[] {"ints", "big", "strs"}) {
            Set<String> all = new HashSet<>();
            int n = key.equals("big") ? 1000 : 20;
            for (int i = 0; i < n; i++) {
                String m = key.equals("strs") ? "m" + i : Integer.toString(i);
                call("SADD", key, m);
                all.add(m);
            }
            for (int count : new int[] {1, 2, 5, n / 2, n - 1, 15}) {
                List<String> picked = bulks(call("SRANDMEMBER", key, Integer.toString(count)));
                assertEquals(count, picked.size());
                assertEquals(count, new HashSet<>(picked).size(), "distinct");
                assertTrue(all.containsAll(picked));
            }
            List<String> repeated = bulks(call("SRANDMEMBER", key, "-50"));
            assertEquals(50, repeated.size());
            assertTrue(all.containsAll(repeated));
            String one = bulks("*1\r\n" + call("SRANDMEMBER", key)).get(0);
            assertTrue(all.contains(one));
            assertEquals(":" + n + "\r\n", call("SCARD", key));
        }
    }

    @Test
    void spopRemovesWhatItReturnsWithBothStrategies() {
        for (int count : new int[] {1, 3, 10, 18, 19}) {
            call("DEL", "s");
            sadd("s", 1, 20);
            List<String> popped = bulks(call("SPOP", "s", Integer.toString(count)));
            assertEquals(count, popped.size());
            assertEquals(count, new HashSet<>(popped).size());
            List<String> left = bulks(call("SMEMBERS", "s"));
            assertEquals(20 - count, left.size());
            Set<String> union = new HashSet<>(left);
            union.addAll(popped);
            assertEquals(20, union.size());
        }
        call("DEL", "s");
        for (int i = 0; i < 10; i++) {
            call("SADD", "s", "m" + i);
        }
        List<String> popped = bulks(call("SPOP", "s", "9")); // keeps one: the rest is rebuilt as a new set
        assertEquals(9, popped.size());
        assertEquals(1, bulks(call("SMEMBERS", "s")).size());
        assertEquals("$9\r\nhashtable\r\n", call("OBJECT", "ENCODING", "s"));
    }

    @Test
    void largeSetsConvertAndScanCompletely() {
        sadd("big", 1, 512);
        assertEquals("$6\r\nintset\r\n", call("OBJECT", "ENCODING", "big"));
        sadd("big", 513, 2000);
        assertEquals("$9\r\nhashtable\r\n", call("OBJECT", "ENCODING", "big"));
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        do {
            String reply = call("SSCAN", "big", cursor, "COUNT", "50");
            List<String> parts = bulks(reply);
            cursor = parts.get(0);
            seen.addAll(parts.subList(1, parts.size()));
        } while (!cursor.equals("0"));
        assertEquals(2000, seen.size());
        sadd("other", 1000, 3000);
        assertEquals(":1001\r\n", call("SINTERCARD", "2", "big", "other"));
        assertEquals(":10\r\n", call("SINTERCARD", "2", "big", "other", "LIMIT", "10"));
        assertEquals(":999\r\n", call("SDIFFSTORE", "d", "big", "other"));
        assertEquals(":1000\r\n", call("SDIFFSTORE", "d", "other", "big"));
        assertEquals(":3000\r\n", call("SUNIONSTORE", "d", "other", "big"));
        assertEquals("$9\r\nhashtable\r\n", call("OBJECT", "ENCODING", "d"));
    }
}
