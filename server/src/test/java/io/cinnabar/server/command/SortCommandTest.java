package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SORT and SORT_RO against replies recorded from Redis 7.0.15, for what the scenario cannot pin down: sets in a hash
 * table, pqsort's order of equal elements, byte-level comparisons and strtod's edges (events, dirty and propagation:
 * SortStoreHookTest).
 */
class SortCommandTest extends ServerTest {
    /** An array reply of bulk strings, "nil" standing for a null bulk. */
    private static String array(String... items) {
        StringBuilder sb = new StringBuilder("*").append(items.length).append("\r\n");
        for (String s : items) {
            sb.append(s.equals("nil") ? "$-1\r\n" : bulk(s));
        }
        return sb.toString();
    }

    private static String numbers(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            sb.append(bulk(Integer.toString(i)));
        }
        return sb.toString();
    }

    private static final String NOT_DOUBLE = "-ERR One or more scores can't be converted into double\r\n";

    @Test
    void numericAlphaDescAndLimit() {
        call("RPUSH", "l", "3", "1", "2", "10", "-1.5", "1e1");
        assertEquals(array("-1.5", "1", "2", "3", "10", "1e1"), call("SORT", "l"));
        assertEquals(array("1e1", "10", "3", "2", "1", "-1.5"), call("SORT", "l", "DESC"));
        assertEquals(array("-1.5", "1", "10", "1e1", "2", "3"), call("SORT", "l", "ALPHA"));
        assertEquals(array("2", "3"), call("SORT", "l", "LIMIT", "2", "2"));
        assertEquals(array("-1.5", "1"), call("SORT", "l", "LIMIT", "-5", "2"));
        assertEquals(array("3", "10", "1e1"), call("SORT", "l", "LIMIT", "3", "-1"));
        assertEquals("*0\r\n", call("SORT", "l", "LIMIT", "6", "1"));
        assertEquals("*0\r\n", call("SORT", "l", "LIMIT", "0", "0"));
        assertEquals(array("1"), call("SORT", "l", "limit", "-9223372036854775808", "1", "limit", "1", "1"));
        assertEquals("*0\r\n", call("SORT", "nosuch"));
        call("RPUSH", "bad", "1", "x");
        assertEquals(NOT_DOUBLE, call("SORT", "bad"));
        assertEquals(array("1", "x"), call("SORT", "bad", "ALPHA"));
    }

    @Test
    void errorsComeInRedisOrder() {
        call("SET", "str", "x");
        assertEquals("-ERR syntax error\r\n", call("SORT", "str", "BOGUS"));
        assertEquals("-ERR value is not an integer or out of range\r\n", call("SORT", "str", "LIMIT", "1", "x"));
        assertEquals("-ERR syntax error\r\n", call("SORT", "str", "LIMIT", "1"));
        assertEquals("-ERR syntax error\r\n", call("SORT", "str", "BY"));
        assertEquals("-ERR syntax error\r\n", call("SORT_RO", "str", "STORE", "d"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", call("SORT", "str"));
        call("HSET", "h", "f", "v");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", call("SORT_RO", "h"));
    }

    @Test
    void alphaComparesAsStrcmpAndWithStoreAsBytes() {
        call("RPUSH", "x", "a\u0000b", "a\u0000a", "a", "B", "b");
        // strcoll in the C locale stops at NUL: the three "a" strings are equal and keep their order
        assertEquals(array("B", "a\u0000b", "a\u0000a", "a", "b"), call("SORT", "x", "ALPHA"));
        assertEquals(array("b", "a\u0000b", "a\u0000a", "a", "B"), call("SORT", "x", "ALPHA", "DESC"));
        assertEquals(":5\r\n", call("SORT", "x", "ALPHA", "STORE", "y"));
        assertEquals(array("B", "a", "a\u0000a", "a\u0000b", "b"), call("LRANGE", "y", "0", "-1"));
        assertEquals("$9\r\nquicklist\r\n", call("OBJECT", "ENCODING", "y"));
    }

    @Test
    void byAndGetPatterns() {
        call("RPUSH", "ids", "1", "2", "3", "4");
        call("MSET", "w_1", "30", "w_2", "10", "w_3", "20", "n_1", "one", "n_2", "two", "n_3", "three");
        call("HSET", "h_1", "f", "3");
        call("HSET", "h_2", "f", "1");
        call("HSET", "h_4", "f", "2");
        assertEquals(array("4", "2", "3", "1"), call("SORT", "ids", "BY", "w_*"));
        assertEquals(array("3", "2", "4", "1"), call("SORT", "ids", "BY", "h_*->f"));
        assertEquals(array("4", "nil", "2", "2", "two", "1", "3", "three", "nil", "1", "one", "3"),
                call("SORT", "ids", "BY", "w_*", "GET", "#", "GET", "n_*", "GET", "h_*->f"));
        // no '*': nothing to sort, GET gives nil; a pattern ending in "->" names a key, not a field
        assertEquals(array("1", "nil", "2", "nil", "3", "nil", "4", "nil"),
                call("SORT", "ids", "BY", "nosort", "GET", "#", "GET", "n_1"));
        assertEquals(array("nil", "nil", "nil", "nil"), call("SORT", "ids", "GET", "h_*->"));
        // BY without '*' stays in force even if a later BY has one
        assertEquals(array("1", "2", "3", "4"), call("SORT", "ids", "BY", "nosort", "BY", "w_*"));
        // with STORE a missing GET stores an empty string
        assertEquals(":8\r\n", call("SORT", "ids", "BY", "w_*", "GET", "#", "GET", "h_*->f", "STORE", "d"));
        assertEquals(array("4", "2", "2", "1", "3", "", "1", "3"), call("LRANGE", "d", "0", "-1"));
        call("SET", "w_4", "x");
        assertEquals(NOT_DOUBLE, call("SORT", "ids", "BY", "w_*"));
    }

    @Test
    void equalElementsOrderedAsQsortAndPqsort() {
        String[] ids = new String[46];
        ids[0] = "L";
        for (int i = 1; i <= 45; i++) {
            ids[i] = Integer.toString(i);
        }
        call(concat("RPUSH", ids));
        for (int i = 1; i <= 45; i += 3) {
            call("SET", "w_" + i, i % 2 == 1 ? "b" : "a");
        }
        // Redis 7.0.15's replies: a full sort is stable (glibc's merge sort), LIMIT with BY goes through pqsort
        assertEquals(array("2", "3", "5", "6", "8", "9", "11", "12", "14", "15", "17", "18", "20", "21", "23", "24",
                "26", "27", "29", "30", "32", "33", "35", "36", "38", "39", "41", "42", "44", "45", "4", "10", "16",
                "22", "28", "34", "40", "1", "7", "13", "19", "25", "31", "37", "43"),
                call("SORT", "L", "BY", "w_*", "ALPHA"));
        assertEquals(array("26", "27", "29", "30", "32", "33", "36", "38", "39", "41"),
                call("SORT", "L", "BY", "w_*", "ALPHA", "LIMIT", "5", "10"));
        assertEquals(array("30", "32", "33", "35", "36", "38", "39", "41"),
                call("SORT", "L", "BY", "w_*", "ALPHA", "DESC", "LIMIT", "20", "8"));
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void sortedSetsByNosortComeInRankOrderAndBecomeSkiplists() {
        call("ZADD", "z", "1", "c", "2", "b", "3", "a");
        assertEquals("$8\r\nlistpack\r\n", call("OBJECT", "ENCODING", "z"));
        assertEquals(array("c", "b", "a"), call("SORT", "z", "BY", "nosort"));
        assertEquals("$8\r\nskiplist\r\n", call("OBJECT", "ENCODING", "z"));
        assertEquals(array("a", "b", "c"), call("SORT", "z", "BY", "nosort", "DESC"));
        assertEquals(array("b"), call("SORT", "z", "BY", "nosort", "LIMIT", "1", "1"));
        assertEquals(array("b", "c"), call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "5"));
        assertEquals("*0\r\n", call("SORT", "z", "BY", "nosort", "LIMIT", "5", "1"));
        assertEquals(array("a", "b", "c"), call("SORT", "z", "ALPHA"));
        call("ZADD", "z2", "1", "x");
        assertEquals(NOT_DOUBLE, call("SORT_RO", "z2"));
        assertEquals("$8\r\nskiplist\r\n", call("OBJECT", "ENCODING", "z2"));
    }

    @Test
    void setsInAHashTableSortAndScriptsSortThemEvenByNosort() {
        List<String> sadd = new ArrayList<>(List.of("SADD", "s"));
        for (int i = 0; i < 600; i++) {
            sadd.add(Integer.toString(599 - i));
        }
        call(sadd.toArray(new String[0]));
        assertEquals("$9\r\nhashtable\r\n", call("OBJECT", "ENCODING", "s"));
        assertEquals("*600\r\n" + numbers(0, 599), call("SORT", "s"));
        assertEquals("*3\r\n" + bulk("10") + bulk("100") + bulk("101"), call("SORT", "s", "ALPHA", "LIMIT", "2", "3"));
        // nosort from a script or with STORE: sorted ALPHA so that replicas and AOF agree
        assertEquals("*4\r\n" + bulk("0") + bulk("1") + bulk("10") + bulk("100"),
                call("EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort', 'limit', 0, 4)", "1", "s"));
        assertEquals(":600\r\n", call("SORT", "s", "BY", "nosort", "DESC", "STORE", "d"));
        assertEquals("*3\r\n" + bulk("99") + bulk("98") + bulk("97"), call("LRANGE", "d", "0", "2"));
        call("SADD", "w", "c", "a", "b");
        assertEquals(array("a", "b", "c"), call("EVAL", "return redis.call('sort_ro', KEYS[1], 'by', 'x')", "1", "w"));
    }

    @Test
    void storeReplacesTheKeyAndItsTtlAndAnEmptyResultDeletesIt() {
        call("RPUSH", "l", "2", "1");
        call("SET", "d", "x", "EX", "100");
        assertEquals(":2\r\n", call("SORT", "l", "STORE", "d"));
        assertEquals(":-1\r\n", call("TTL", "d"));
        assertEquals(array("1", "2"), call("LRANGE", "d", "0", "-1"));
        assertEquals(":2\r\n", call("SORT", "l", "STORE", "l"));
        assertEquals(array("1", "2"), call("LRANGE", "l", "0", "-1"));
        assertEquals(":0\r\n", call("SORT", "nosuch", "STORE", "d"));
        assertEquals(":0\r\n", call("EXISTS", "d"));
        assertEquals("*2\r\n" + bulk("l") + bulk("d"),
                call("COMMAND", "GETKEYS", "SORT", "l", "STORE", "x", "LIMIT", "0", "1", "STORE", "d", "GET", "y"));
        assertEquals("*1\r\n" + bulk("l"), call("COMMAND", "GETKEYS", "SORT", "l", "LIMIT", "STORE", "x"));
    }

    @Test
    void scoresAreReadAsStrtodWithItsRangeErrors() {
        assertEquals(0.0, SortCommand.score(new byte[0]));
        assertEquals(2.0, SortCommand.score(" \t2".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(16.0, SortCommand.score("0x10".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0.5, SortCommand.score("+.5".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1.0, SortCommand.score("1\u0000junk".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(Double.NEGATIVE_INFINITY, SortCommand.score("-Infinity".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Double.MIN_VALUE, SortCommand.score("0x1p-1074".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Double.MIN_NORMAL, SortCommand.score("2.2250738585072013e-308".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Double.MIN_NORMAL, SortCommand.score("0x1.fffffffffffff8p-1023".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0.0, SortCommand.score("0e-999999".getBytes(StandardCharsets.US_ASCII)));
        // refused as Redis 7.0.15 refuses them: trailing bytes, NaN, overflow, inexact tiny results
        for (String bad : new String[] {"5 ", " ", "+", "nan", "-nan", "1e", "0x1p", "1_0", "1e999", "0x1p1024",
            "1e-310", "4.9e-324", "1e-400", "2.2250738585072012e-308", "0x1.fffffffffffffp-1023", "infinit"}) {
            assertTrue(Double.isNaN(SortCommand.score(bad.getBytes(StandardCharsets.US_ASCII))), bad);
        }
    }
}
