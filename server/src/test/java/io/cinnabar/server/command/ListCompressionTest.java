package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.testing.ServerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * list-compress-depth through the commands: DEBUG OBJECT's quicklist fields, serializedlength and DEBUG
 * DIGEST-VALUE after each change, with the figures Redis 7.0.15 gave for the same commands.
 */
class ListCompressionTest extends ServerTest {
    private static String element(int i) {
        return "element-number-" + i + "-with-some-padding-text-padding";
    }

    /** DEBUG OBJECT from serializedlength on, without the lru fields. */
    private String object(String key) {
        return call("DEBUG", "OBJECT", key).replaceAll("(?s).*(serializedlength:\\d+) lru:\\d+ lru_seconds_idle:\\d+",
                "$1").trim();
    }

    @AfterEach
    void defaults() {
        call("CONFIG", "SET", "list-compress-depth", "0");
        call("CONFIG", "SET", "list-max-listpack-size", "-2");
    }

    @Test
    void compressedListAnswersAsRedisDoes() {
        call("CONFIG", "SET", "list-max-listpack-size", "4");
        call("CONFIG", "SET", "list-compress-depth", "1");
        for (int i = 1; i <= 20; i++) {
            call("RPUSH", "l", element(i));
        }
        assertEquals("serializedlength:406 ql_nodes:5 ql_avg_node:4.00 ql_listpack_max:4 ql_compressed:1 "
                + "ql_uncompressed_size:1026", object("l"));
        assertEquals("*1\r\n+30ad36a24a18ffaede07789141c53d6d7ebcaf0c\r\n", call("DEBUG", "DIGEST-VALUE", "l"));
        assertEquals(bulk(element(10)), call("LINDEX", "l", "9"));
        assertEquals("+OK\r\n", call("LSET", "l", "9", "changed-element-with-some-padding-text-padding-padding"));
        assertEquals("serializedlength:420 ql_nodes:5 ql_avg_node:4.00 ql_listpack_max:4 ql_compressed:1 "
                + "ql_uncompressed_size:1032", object("l"));
        assertEquals(":21\r\n", call("LINSERT", "l", "BEFORE", element(11), "inserted-element-with-some-padding-text"));
        assertEquals("serializedlength:479 ql_nodes:6 ql_avg_node:3.50 ql_listpack_max:4 ql_compressed:1 "
                + "ql_uncompressed_size:1080", object("l"));
        assertEquals(":1\r\n", call("LREM", "l", "0", element(13)));
        assertEquals("serializedlength:474 ql_nodes:6 ql_avg_node:3.33 ql_listpack_max:4 ql_compressed:1 "
                + "ql_uncompressed_size:1030", object("l"));
        assertEquals("+OK\r\n", call("LTRIM", "l", "2", "-3"));
        assertEquals("serializedlength:452 ql_nodes:6 ql_avg_node:2.67 ql_listpack_max:4 ql_compressed:1 "
                + "ql_uncompressed_size:832", object("l"));
        assertEquals("*1\r\n+b76facaa1614c35d85d22dff200301cbf7c17cfd\r\n", call("DEBUG", "DIGEST-VALUE", "l"));
        // the depth is the list's own, taken at creation: COPY keeps it, a new list takes the new setting
        call("CONFIG", "SET", "list-compress-depth", "0");
        assertEquals(":1\r\n", call("COPY", "l", "l2"));
        assertEquals(object("l"), object("l2"));
        call("RPUSH", "l3", "a", "b", "c");
        assertEquals("serializedlength:19 ql_nodes:1 ql_avg_node:3.00 ql_listpack_max:4 ql_compressed:0 "
                + "ql_uncompressed_size:16", object("l3"));
        assertEquals("+1d9fc05df31421976932605b468f0e3161c0a333\r\n", call("DEBUG", "DIGEST"));
    }

    @Test
    void everyListCommandWorksOnCompressedNodes() {
        call("CONFIG", "SET", "list-max-listpack-size", "3");
        call("CONFIG", "SET", "list-compress-depth", "2");
        for (int i = 0; i < 60; i++) {
            call("RPUSH", "l", element(i));
        }
        assertEquals(bulk(element(30)), call("LINDEX", "l", "30"));
        assertEquals(":30\r\n", call("LPOS", "l", element(30)));
        assertEquals("*2\r\n" + bulk(element(29)) + bulk(element(30)), call("LRANGE", "l", "29", "30"));
        assertEquals(":0\r\n", call("LREM", "l", "0", "nosuch"));
        assertEquals(bulk(element(59)), call("LMOVE", "l", "l", "RIGHT", "LEFT"));
        assertEquals(bulk(element(59)), call("LPOP", "l"));
        assertEquals(":-1\r\n", call("LINSERT", "l", "AFTER", "nosuch", "x"));
        assertEquals(":60\r\n", call("LINSERT", "l", "AFTER", element(40), "x"));
        assertEquals(bulk("x"), call("LINDEX", "l", "41"));
        assertEquals("+OK\r\n", call("LTRIM", "l", "10", "49"));
        assertEquals(bulk(element(10)), call("LPOP", "l"));
        assertEquals(bulk(element(48)), call("RPOP", "l"));
        assertEquals(":38\r\n", call("LLEN", "l"));
    }
}
