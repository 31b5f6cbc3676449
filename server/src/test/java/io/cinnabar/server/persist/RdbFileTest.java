package io.cinnabar.server.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAVE, loading at start, DEBUG RELOAD and refused files, through the embedded server. */
class RdbFileTest {
    @TempDir
    Path dir;

    private CinnabarServer start(Path file, String... config) {
        CinnabarServer.Builder b = CinnabarServer.builder().rdbFile(file).config("enable-debug-command", "yes");
        for (int i = 0; i + 1 < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        return b.build().start();
    }

    static String info(RespClient c, String field) {
        String all = c.call("INFO", "persistence");
        for (String line : all.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError("no " + field + " in " + all);
    }

    @Test
    void saveWritesTheFrameRedisWrites() throws IOException {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals("+OK\r\n", c.call("SET", "b", "hello"));
            assertEquals("+OK\r\n", c.call("SET", "a", "1"));
            assertEquals(":1\r\n", c.call("PEXPIREAT", "a", "99999999999999"));
            assertEquals("3", info(c, "rdb_changes_since_last_save"));
            assertEquals("+OK\r\n", c.call("SAVE"));
            assertEquals("0", info(c, "rdb_changes_since_last_save"));
            assertEquals("1", info(c, "rdb_saves"));
            assertEquals(":" + info(c, "rdb_last_save_time") + "\r\n", c.call("LASTSAVE"));
        }
        byte[] b = Files.readAllBytes(file);
        String text = new String(b, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("REDIS0010\u00fa\tredis-ver\u00067.0.15\u00fa\nredis-bits\u00c0\u0040"
                + "\u00fa\u0005ctime\u00c2"), text);
        assertTrue(text.contains("\u00fa\u0008aof-base\u00c0\u0000\u00fe\u0000\u00fb\u0002\u0001"), text);
        assertTrue(text.contains("\u0000\u0001b\u0005hello"));
        // the key with an expiry: EXPIRETIME_MS, 8 bytes little-endian, then type, key, int-encoded value
        assertTrue(text.contains("\u00fc\u00ff\u003f\u007a\u0010\u00f3\u005a\u0000\u0000\u0000\u0001a\u00c0\u0001"));
        assertEquals((byte) 0xff, b[b.length - 9]);
        long crc = Crc64.update(0, b, 0, b.length - 8);
        long stored = java.nio.ByteBuffer.wrap(b, b.length - 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(crc, stored);
        assertFalse(Files.exists(dir.resolve("temp-" + ProcessHandle.current().pid() + ".rdb")));
    }

    @Test
    void rdbchecksumNoWritesZero() throws IOException {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file, "rdbchecksum", "no"); RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "v");
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        byte[] b = Files.readAllBytes(file);
        assertArrayEquals(new byte[8], java.util.Arrays.copyOfRange(b, b.length - 8, b.length));
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals("$1\r\nv\r\n", c.call("GET", "k")); // a zero checksum is not checked
        }
    }

    @Test
    void aRandomDataSetSurvivesSaveAndRestart() {
        Path file = dir.resolve("dump.rdb");
        List<String[]> data = RdbDataSets.commands(42, 3000);
        String digest;
        String dbsize;
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            RdbDataSets.load(c, data);
            digest = c.call("DEBUG", "DIGEST");
            dbsize = c.call("INFO", "keyspace");
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals(keyspace(dbsize), keyspace(c.call("INFO", "keyspace")));
        }
    }

    /** INFO keyspace's key and expiry counts (the average TTL moves with time). */
    static String keyspace(String info) {
        return info.substring(info.indexOf("\r\n") + 2).replaceAll(",avg_ttl=\\d+", "");
    }

    @Test
    void debugReloadKeepsTheDigest() {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            RdbDataSets.load(c, RdbDataSets.commands(7, 2000));
            String digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals("0", info(c, "rdb_changes_since_last_save"));
            assertEquals("0", info(c, "rdb_saves")); // DEBUG RELOAD's save is not counted, as in Redis
            assertTrue(Integer.parseInt(info(c, "rdb_last_load_keys_loaded")) > 1000);
            assertEquals("-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n",
                    c.call("DEBUG", "RELOAD", "FOO"));
        }
    }

    @Test
    void debugReloadNoflushMergeAndAFailedLoadKeepsTheData() throws IOException {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            assertEquals("+OK\r\n", c.call("SAVE"));
            c.call("SET", "a", "changed");
            c.call("SET", "c", "3");
            // NOFLUSH without MERGE: a key on both sides fails the load (Redis stops the server), nothing changes
            assertEquals("-ERR Error trying to load the RDB dump, check server logs.\r\n",
                    c.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"));
            assertEquals("$7\r\nchanged\r\n", c.call("GET", "a"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"));
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
            assertEquals("$1\r\n3\r\n", c.call("GET", "c"));
            Files.write(file, new byte[] {'R', 'E', 'D', 'I', 'S', '0', '0', '1', '0', (byte) 0xfe});
            assertEquals("-ERR Error trying to load the RDB dump, check server logs.\r\n",
                    c.call("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals(":3\r\n", c.call("DBSIZE"));
        }
    }

    @Test
    void expiredKeysAreDroppedWhenLoading() {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            c.call("SET", "gone", "x");
            c.call("SET", "kept", "y");
            c.call("PEXPIRE", "gone", "100000");
            c.call("SAVE");
            s.clock().advance(java.time.Duration.ofSeconds(200)); // the next load compares with the server clock
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals(":1\r\n", c.call("DBSIZE"));
            assertEquals("1", info(c, "rdb_last_load_keys_expired"));
            assertEquals("1", info(c, "rdb_last_load_keys_loaded"));
        }
    }

    // ---- refused files ----

    private String startFailure(Path file) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(file).close());
        return e.getMessage();
    }

    private byte[] savedFile() throws IOException {
        Path file = dir.resolve("good.rdb");
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            c.call("SET", "key1", "value1");
            c.call("SET", "key2", "a longer value that compresses well, well, well, well, well");
            c.call("SAVE");
        }
        return Files.readAllBytes(file);
    }

    @Test
    void truncatedAndCorruptFilesAreRefusedWithTheOffset() throws IOException {
        byte[] good = savedFile();
        Path bad = dir.resolve("bad.rdb");
        Files.write(bad, java.util.Arrays.copyOf(good, good.length - 20));
        String m = startFailure(bad);
        assertTrue(m.startsWith("Bad RDB file " + bad + ": Unexpected EOF reading "), m);
        assertTrue(m.contains(" at offset "), m);

        byte[] flipped = good.clone();
        flipped[new String(good, StandardCharsets.ISO_8859_1).indexOf("key2") + 1] ^= 1; // a key's name: only the CRC sees it
        Files.write(bad, flipped);
        m = startFailure(bad);
        assertTrue(m.contains("RDB CRC error at offset " + (good.length - 8)), m);

        byte[] wrongType = good.clone();
        int at = new String(good, StandardCharsets.ISO_8859_1).indexOf("\u0004key1");
        wrongType[at - 1] = 8; // not an object type
        Files.write(bad, wrongType);
        m = startFailure(bad);
        assertTrue(m.contains("at offset"), m);

        Files.write(bad, "REDIX0010".getBytes(StandardCharsets.US_ASCII));
        assertEquals("Bad RDB file " + bad + ": Wrong signature trying to load DB from file at offset 0",
                startFailure(bad));
        Files.write(bad, "REDIS0011\u00ff".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("Bad RDB file " + bad + ": Can't handle RDB format version 11 at offset 5", startFailure(bad));
        Files.write(bad, "REDIS0010\u00fe\u0040\u0040".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(startFailure(bad).contains("configured to handle more than 16 databases"));
    }

    @Test
    void moduleAuxDataIsRefusedAsRedisDoes() throws IOException {
        RdbOutput out = new RdbOutput(64, false);
        out.write("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        out.write(RdbType.OPCODE_MODULE_AUX);
        long id = 0;
        for (char ch : "ReJSON-RL".toCharArray()) {
            id = (id << 6) | "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(ch);
        }
        out.writeLength((id << 10) | 3);
        out.writeLength(2);
        out.writeLength(2);
        Path bad = dir.resolve("module.rdb");
        Files.write(bad, out.toByteArray());
        assertEquals("Bad RDB file " + bad + ": The RDB file contains AUX module data I can't load: no matching module "
                + "'ReJSON-RL' at offset 9", startFailure(bad));
    }

    @Test
    void oldOpcodesAndVersionsLoad() throws IOException {
        // version 6 with the old seconds expiry, IDLE, FREQ, an unknown AUX field, and no functions
        RdbOutput out = new RdbOutput(64, false);
        out.write("REDIS0006".getBytes(StandardCharsets.US_ASCII));
        out.write(RdbType.OPCODE_AUX);
        out.writeString("something-new".getBytes(StandardCharsets.US_ASCII));
        out.writeString("1".getBytes(StandardCharsets.US_ASCII));
        out.write(RdbType.OPCODE_SELECTDB);
        out.writeLength(2);
        out.write(RdbType.OPCODE_EXPIRETIME);
        out.writeLittleEndian(4_000_000_000L / 2, 4);
        out.write(RdbType.STRING);
        out.writeString("old".getBytes(StandardCharsets.US_ASCII));
        out.writeString("v".getBytes(StandardCharsets.US_ASCII));
        out.write(RdbType.OPCODE_IDLE);
        out.writeLength(100);
        out.write(RdbType.STRING);
        out.writeString("idle".getBytes(StandardCharsets.US_ASCII));
        out.writeString("w".getBytes(StandardCharsets.US_ASCII));
        out.write(RdbType.OPCODE_FREQ);
        out.write(5);
        out.write(RdbType.STRING);
        out.writeString("freq".getBytes(StandardCharsets.US_ASCII));
        out.writeString("z".getBytes(StandardCharsets.US_ASCII));
        out.write(RdbType.OPCODE_EOF);
        byte[] body = out.toByteArray();
        long crc = Crc64.update(0, body, 0, body.length);
        out.writeLittleEndian(crc, 8);
        Path f = dir.resolve("old.rdb");
        Files.write(f, out.toByteArray());
        try (CinnabarServer s = start(f); RespClient c = new RespClient(s.port())) {
            c.call("SELECT", "2");
            assertEquals(":2000000000000\r\n", c.call("PEXPIRETIME", "old"));
            assertTrue(Long.parseLong(c.call("OBJECT", "IDLETIME", "idle").substring(1).trim()) >= 100);
            assertEquals("$1\r\nz\r\n", c.call("GET", "freq"));
        }
    }

    @Test
    void functionLibrariesAreSavedAndLoaded() throws IOException {
        Path file = dir.resolve("dump.rdb");
        String lib = "#!lua name=mylib\nredis.register_function('f1', function() return 1 end)";
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals("$5\r\nmylib\r\n", c.call("FUNCTION", "LOAD", lib));
            c.call("SAVE");
        }
        assertTrue(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("\u00f5"));
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals(":1\r\n", c.call("FCALL", "f1", "0"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals(":1\r\n", c.call("FCALL", "f1", "0"));
        }
    }
}
