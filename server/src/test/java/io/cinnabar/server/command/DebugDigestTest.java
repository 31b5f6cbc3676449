package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.testing.ServerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE against the values Redis 7.0.15 printed for the same data set: every type and
 * encoding (embstr, int and raw strings; listpack and hashtable hashes; intset and hashtable sets; listpack and
 * skiplist sorted sets, whose scores enter the digest as %.17g text; lists, compressed or not; keys with expiries;
 * several databases).
 */
class DebugDigestTest extends ServerTest {
    private void load() {
        call("SET", "s", "hello");
        call("SET", "n", "12345");
        call("SET", "neg", "-7");
        call("SET", "big", "x".repeat(100));
        call("SET", "f", "3.14");
        call("HSET", "hl", "f1", "v1", "f2", "2", "300", "-4");
        List<String> hh = new ArrayList<>(List.of("HSET", "hh"));
        for (int i = 0; i < 600; i++) {
            hh.add("field:" + i);
            hh.add(i % 2 == 1 ? "value:" + i : Integer.toString(i));
        }
        call(hh.toArray(new String[0]));
        call("SADD", "si", "1", "2", "3", "-5", "100000");
        call("SADD", "sh", "a", "b", "c", "1");
        List<String> sbig = new ArrayList<>(List.of("SADD", "sbig"));
        for (int i = 0; i < 600; i++) {
            sbig.add(Integer.toString(i * 7));
        }
        call(sbig.toArray(new String[0]));
        call("ZADD", "zl", "1", "a", "2.5", "b", "0.1", "c", "-inf", "d", "1e300", "e", "3", "7", "-0.5", "f",
                "1.7976931348623157e308", "g", "5e-324", "h", "123456789012", "i");
        List<String> zs = new ArrayList<>(List.of("ZADD", "zs"));
        for (int i = 0; i < 200; i++) {
            zs.add(i % 3 != 0 ? (i / 10) + "." + (i % 10) : Integer.toString(i));
            zs.add("m:" + i);
        }
        zs.addAll(List.of("0.1", "tenth", "inf", "top", "-3.0000000000000004", "odd", "1e-10", "tiny", "12345678.123",
                "mid"));
        call(zs.toArray(new String[0]));
        call("RPUSH", "l", "a", "b", "1", "2", "-3", "hello world");
        call("SET", "e", "v", "EX", "3600");
        call("HSET", "he", "f", "v");
        call("PEXPIRE", "he", "100000000");
        call("SELECT", "1");
        call("SET", "x", "y");
        call("RPUSH", "l", "z");
        call("SELECT", "15");
        call("SADD", "s", "m");
        call("SELECT", "0");
    }

    private String digestValue(String key) {
        String reply = call("DEBUG", "DIGEST-VALUE", key);
        return reply.substring("*1\r\n+".length(), reply.length() - 2);
    }

    @Test
    void digestsAreRedisOnes() {
        assertEquals("+0000000000000000000000000000000000000000\r\n", call("DEBUG", "DIGEST"));
        load();
        String[][] expected = {
            {"s", "embstr", "36b23a1456b2dce2c3ed252c456761301dba8060"},
            {"n", "int", "e1cf90774e995ae03de66e8109dc5cb9d9c2dc83"},
            {"neg", "int", "220f87802dc1eca9ffb9dd7f52e30f559e135f81"},
            {"big", "raw", "6942b9b71aaff9a398b7a2f898756f5e28dd3cd1"},
            {"f", "embstr", "a1074fe106dbfdd0a16a345b5f8b79dad67237d3"},
            {"hl", "listpack", "9d0b64f9ed53d07b2a0456794d1669bdf3efcc8e"},
            {"hh", "hashtable", "16f7c1696276a5e30495ef0c6742b5587c42cde4"},
            {"si", "intset", "1ed7e76f32098645c31d43488139d4a78cbebd28"},
            {"sh", "hashtable", "6c563d3f017ec5083ac0b9f29fc635f90a47f2d9"},
            {"sbig", "hashtable", "8655ac659a67ec4eaba16546f38bbbca1a4a56b7"},
            {"zl", "listpack", "6dde540ae20d19540dee632a10ec826d0ac1c81c"},
            {"zs", "skiplist", "b7432f1edb7569d0e7e0e8bbb856e32cd8fbec33"},
            {"l", "quicklist", "25f2ba725e9d027fee52795ca2ffc9de1eb244dd"},
            {"e", "embstr", "311b17018163335616e089f6b951c82c477335ac"},
            {"he", "listpack", "764290614375888283b5a431391762cb21ffb885"},
            {"nosuch", null, "0000000000000000000000000000000000000000"},
        };
        for (String[] e : expected) {
            if (e[1] != null) {
                assertEquals(bulk(e[1]), call("OBJECT", "ENCODING", e[0]), e[0]);
            }
            assertEquals(e[2], digestValue(e[0]), e[0]);
        }
        assertEquals("*2\r\n+36b23a1456b2dce2c3ed252c456761301dba8060\r\n+0000000000000000000000000000000000000000\r\n",
                call("DEBUG", "DIGEST-VALUE", "s", "nosuch"));
        assertEquals("+b3a61b31a58967e2d479b24bfb0039ea7b5ecdb0\r\n", call("DEBUG", "DIGEST"));
        call("SELECT", "1");
        assertEquals("7099b8ee3c4e9875c577505d4fa30cca09c58b12", digestValue("l"));
        call("SELECT", "0");
    }

    @Test
    void aCompressedListDigestsAsThePlainOne() {
        call("CONFIG", "SET", "list-compress-depth", "1");
        call("CONFIG", "SET", "list-max-listpack-size", "4");
        try {
            load();
            assertEquals("25f2ba725e9d027fee52795ca2ffc9de1eb244dd", digestValue("l"));
            assertEquals("+b3a61b31a58967e2d479b24bfb0039ea7b5ecdb0\r\n", call("DEBUG", "DIGEST"));
            for (int i = 0; i < 1000; i++) {
                call("RPUSH", "compressed", "element:" + i);
            }
            call("CONFIG", "SET", "list-compress-depth", "0");
            for (int i = 0; i < 1000; i++) {
                call("RPUSH", "plain", "element:" + i);
            }
            assertEquals(digestValue("plain"), digestValue("compressed"));
        } finally {
            call("CONFIG", "SET", "list-compress-depth", "0");
            call("CONFIG", "SET", "list-max-listpack-size", "-2");
        }
    }
}
