package io.cinnabar.server.persist;

import static io.cinnabar.server.persist.RdbFileTest.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.testing.RespClient;
import io.cinnabar.server.types.HashValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Big collections written in parts across a snapshot's slices (RdbValues.Part): whatever a command does to the key
 * while its value is half written (changes it, deletes, renames, expires, moves, reads it, flushes or swaps its
 * database), the file holds the value of the snapshot's point in time, and keys given early meanwhile are written
 * after it in their own databases; for BGSAVE and for the AOF rewrite's RDB base.
 */
class SnapshotInPartsTest {
    @TempDir
    Path dir;

    /** 20,000 elements: with rdb-key-save-delay one batch of 32 per slice, some 600 slices. */
    private static final int ELEMENTS = 20_000;

    enum Kind {
        HASH("HSET", "hash", "hashtable"), SET("SADD", "set", "hashtable"), ZSET("ZADD", "zset", "skiplist"),
        LIST("RPUSH", "list", "quicklist");

        final String add;
        final String type;
        final String encoding;

        Kind(String add, String type, String encoding) {
            this.add = add;
            this.type = type;
            this.encoding = encoding;
        }

        /** The commands creating {@code key} with {@code n} elements, 100 per command. */
        List<String[]> fill(String key, int n) {
            List<String[]> out = new ArrayList<>();
            for (int i = 0; i < n; i += 100) {
                List<String> cmd = new ArrayList<>(List.of(add, key));
                for (int j = i; j < Math.min(n, i + 100); j++) {
                    switch (this) {
                        case HASH -> cmd.addAll(List.of("f" + j, "value-" + j));
                        case SET -> cmd.add("member-" + j);
                        case ZSET -> cmd.addAll(List.of(Integer.toString(j % 977), "member-" + j));
                        case LIST -> cmd.add("element-" + j);
                    }
                }
                out.add(cmd.toArray(new String[0]));
            }
            return out;
        }

        /** Commands changing the collection in place, the first one reaching the key while it is in parts. */
        String[][] change(String key) {
            return switch (this) {
                case HASH -> new String[][] {{"HSET", key, "f0", "changed", "new", "field"}, {"HDEL", key, "f1", "f2"},
                    {"HINCRBY", key, "counter", "5"}};
                case SET -> new String[][] {{"SADD", key, "new-member"}, {"SREM", key, "member-1", "member-2"},
                    {"SPOP", key, "10"}};
                case ZSET -> new String[][] {{"ZADD", key, "-5", "new-member", "1000", "member-3"},
                    {"ZREM", key, "member-1"}, {"ZINCRBY", key, "2.5", "member-7"}};
                case LIST -> new String[][] {{"LPUSH", key, "new-head"}, {"RPOP", key, "3"},
                    {"LSET", key, "100", "changed"}, {"LTRIM", key, "5", "-5"}};
            };
        }

        /** Read-only commands on the collection (a read may step a hash table's rehash). */
        String[][] read(String key) {
            return switch (this) {
                case HASH -> new String[][] {{"HGET", key, "f10"}, {"HRANDFIELD", key, "5"}, {"HLEN", key}};
                case SET -> new String[][] {{"SISMEMBER", key, "member-10"}, {"SRANDMEMBER", key, "5"}};
                case ZSET -> new String[][] {{"ZSCORE", key, "member-10"}, {"ZRANGE", key, "0", "3"}};
                case LIST -> new String[][] {{"LINDEX", key, "5000"}, {"LRANGE", key, "0", "3"}};
            };
        }
    }

    /** What happens to the big key (db 1) while it is half written. */
    enum Mutation {
        CHANGE, DELETE, RENAME, EXPIRE, MOVE, READ, FLUSHDB, SWAPDB, OTHER_KEYS
    }

    private CinnabarServer start(Path file, String... config) {
        // lists of 32-element nodes, so that a list too spans hundreds of slices (one node per slice)
        CinnabarServer.Builder b = CinnabarServer.builder().rdbFile(file).config("enable-debug-command", "yes")
                .config("list-max-listpack-size", "32");
        for (int i = 0; i + 1 < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        return b.build().start();
    }

    private static void load(RespClient c, List<String[]> commands) {
        RdbDataSets.load(c, commands);
    }

    /**
     * Database 0 empty, database 1 holds only the big key (so INFO's current_save_keys_processed at 1 says it is
     * the key being written), databases 2 and 3 small keys, given early while it is in parts.
     */
    private static void fill(RespClient c, Kind kind) {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"SELECT", "1"});
        cmds.addAll(kind.fill("big", ELEMENTS));
        for (int db = 2; db <= 3; db++) {
            cmds.add(new String[] {"SELECT", Integer.toString(db)});
            for (int i = 0; i < 100; i++) {
                cmds.add(new String[] {"SET", "s:" + i, "small-" + db + "-" + i});
                cmds.add(new String[] {"HSET", "h:" + i, "a", "1", "b", Integer.toString(i)});
            }
        }
        cmds.add(new String[] {"SELECT", "1"});
        load(c, cmds);
        assertEquals("$" + kind.encoding.length() + "\r\n" + kind.encoding + "\r\n",
                c.call("OBJECT", "ENCODING", "big"));
    }

    /** Waits until the snapshot has given the big key and nothing after it: it is being written in parts. */
    private static void awaitBigKeyStarted(RespClient c, String progressField) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!info(c, progressField).equals("1")) {
            assertTrue(System.currentTimeMillis() < deadline, "the big key never started");
        }
    }

    /** The mutation's commands, in database 1 with the big key; they run in one transaction, with INFO first. */
    private static List<String[]> mutation(Kind kind, Mutation m) {
        List<String[]> cmds = new ArrayList<>();
        switch (m) {
            case CHANGE -> cmds.addAll(List.of(kind.change("big")));
            case DELETE -> cmds.add(new String[] {"DEL", "big"});
            case RENAME -> {
                cmds.add(new String[] {"RENAME", "big", "renamed"});
                cmds.addAll(List.of(kind.change("renamed")));
            }
            case EXPIRE -> {
                cmds.add(new String[] {"PEXPIRE", "big", "100000"});
                cmds.addAll(List.of(kind.change("big")));
            }
            case MOVE -> {
                cmds.add(new String[] {"MOVE", "big", "0"});
                cmds.add(new String[] {"SELECT", "0"});
                cmds.addAll(List.of(kind.change("big")));
                cmds.add(new String[] {"SELECT", "1"});
            }
            case READ -> {
                cmds.addAll(List.of(kind.read("big")));
                cmds.add(new String[] {"DEBUG", "DIGEST-VALUE", "big"});
            }
            case FLUSHDB -> cmds.add(new String[] {"FLUSHDB"});
            case SWAPDB -> {
                cmds.add(new String[] {"SWAPDB", "1", "2"});
                cmds.add(new String[] {"SELECT", "2"});
                cmds.addAll(List.of(kind.change("big")));
                cmds.add(new String[] {"SELECT", "1"});
            }
            case OTHER_KEYS -> {
                // keys not given yet, in other databases: given early, after the big key in the file
                for (int db = 2; db <= 3; db++) {
                    cmds.add(new String[] {"SELECT", Integer.toString(db)});
                    for (int i = 0; i < 100; i += 7) {
                        cmds.add(new String[] {"SET", "s:" + i, "overwritten"});
                        cmds.add(new String[] {"DEL", "h:" + i});
                        cmds.add(new String[] {"SET", "fresh:" + i, "x"});
                    }
                }
                cmds.add(new String[] {"SELECT", "1"});
                cmds.addAll(List.of(kind.change("big")));
            }
        }
        return cmds;
    }

    /** Runs {@code cmds} in MULTI/EXEC after an INFO persistence, returning that INFO's text. */
    private static String transaction(RespClient c, List<String[]> cmds) {
        assertEquals("+OK\r\n", c.call("MULTI"));
        assertEquals("+QUEUED\r\n", c.call("INFO", "persistence"));
        for (String[] cmd : cmds) {
            assertEquals("+QUEUED\r\n", c.call(cmd), String.join(" ", cmd));
        }
        c.send(RespClient.encode("EXEC"));
        String reply = new String(c.readReply(), StandardCharsets.UTF_8);
        assertFalse(reply.contains("-ERR"), reply);
        return reply;
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + info);
    }

    private static String digests(RespClient c) {
        StringBuilder b = new StringBuilder(c.call("DEBUG", "DIGEST"));
        for (int db = 0; db < 4; db++) {
            c.call("SELECT", Integer.toString(db));
            b.append(db).append(c.call("DBSIZE"));
        }
        c.call("SELECT", "1");
        return b.toString();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void bgsaveWritesTheBigValueOfItsPointInTimeWhateverHappensToItMidway(Kind kind) {
        for (Mutation m : Mutation.values()) {
            Path file = dir.resolve(kind + "-" + m + ".rdb");
            String before;
            String after;
            try (CinnabarServer s = start(file, "rdb-key-save-delay", "100"); RespClient c = new RespClient(s.port())) {
                fill(c, kind);
                before = digests(c);
                assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
                awaitBigKeyStarted(c, "current_save_keys_processed");
                String info = transaction(c, mutation(kind, m));
                assertEquals("1", field(info, "current_save_keys_processed"), m + ": the big key was done already");
                assertEquals("1", field(info, "rdb_bgsave_in_progress"));
                after = digests(c);
                long deadline = System.currentTimeMillis() + 60_000;
                while (info(c, "rdb_bgsave_in_progress").equals("1")) {
                    assertTrue(System.currentTimeMillis() < deadline, "BGSAVE never ended");
                }
                assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            }
            assertFalse(before.equals(after) && m != Mutation.READ, m + " changed nothing");
            try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
                assertEquals(before, digests(c), kind + " " + m);
                assertEquals("+" + kind.type + "\r\n", c.call("TYPE", "big"));
            }
        }
    }

    /** The AOF rewrite's RDB base is the same writer: the base file alone loads to the data at the rewrite's start. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void anAofRewriteBaseHoldsTheBigValueOfItsPointInTimeAndTheIncrFileTheRest(Kind kind) throws Exception {
        for (Mutation m : new Mutation[] {Mutation.CHANGE, Mutation.DELETE, Mutation.OTHER_KEYS}) {
            Path aofDir = dir.resolve("aof-" + kind + "-" + m);
            Files.createDirectories(aofDir);
            String before;
            String after;
            try (CinnabarServer s = CinnabarServer.builder().config("dir", aofDir.toString())
                    .config("enable-debug-command", "yes").config("appendonly", "yes")
                    .config("list-max-listpack-size", "32").config("rdb-key-save-delay", "100").build().start();
                 RespClient c = new RespClient(s.port())) {
                fill(c, kind);
                before = digests(c);
                assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
                awaitBigKeyStarted(c, "current_save_keys_processed");
                String info = transaction(c, mutation(kind, m));
                assertEquals("1", field(info, "current_save_keys_processed"), m + ": the big key was done already");
                after = digests(c);
                long deadline = System.currentTimeMillis() + 60_000;
                while (!info(c, "aof_rewrite_in_progress").equals("0")
                        || !info(c, "aof_rewrite_scheduled").equals("0")) {
                    assertTrue(System.currentTimeMillis() < deadline, "the rewrite never ended");
                }
                assertEquals("ok", info(c, "aof_last_bgrewrite_status"));
                assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
                assertEquals(after, digests(c), "base + incr after the rewrite");
            }
            assertFalse(before.equals(after), m + " changed nothing");
            Path base = aofDir.resolve("appendonlydir/appendonly.aof.2.base.rdb");
            assertTrue(Files.exists(base));
            Path copy = dir.resolve("base-" + kind + "-" + m + ".rdb");
            Files.copy(base, copy);
            try (CinnabarServer s = start(copy); RespClient c = new RespClient(s.port())) {
                assertEquals(before, digests(c), "the base alone, " + kind + " " + m);
            }
            try (CinnabarServer s = CinnabarServer.builder().config("dir", aofDir.toString())
                    .config("enable-debug-command", "yes").config("appendonly", "yes").build().start();
                 RespClient c = new RespClient(s.port())) {
                assertEquals(after, digests(c), "reloaded from base + incr, " + kind + " " + m);
            }
        }
    }

    /** Random writes during a save of every type, big and small: the file loads to the data set of its start. */
    @Test
    void randomWritesDuringASaveOfBigAndSmallCollections() {
        Path file = dir.resolve("dump.rdb");
        String before;
        int writes = 0;
        // slowed down until enough writes overlapped the save (how many fit in a fixed delay depends on the
        // machine's load), then at full speed
        try (CinnabarServer s = start(file, "rdb-key-save-delay", "500"); RespClient c = new RespClient(s.port());
             RespClient w = new RespClient(s.port())) {
            List<String[]> cmds = new ArrayList<>(RdbDataSets.commands(13, 3000));
            SplittableRandom r = new SplittableRandom(3);
            for (Kind kind : Kind.values()) {
                for (int i = 0; i < 6; i++) {
                    cmds.add(new String[] {"SELECT", Integer.toString(r.nextInt(4))});
                    cmds.addAll(kind.fill("k:" + r.nextInt(6000), 400 + r.nextInt(3000)));
                }
            }
            load(c, cmds);
            before = c.call("DEBUG", "DIGEST");
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            while (info(c, "rdb_bgsave_in_progress").equals("1")) {
                for (int i = 0; i < 20; i++) {
                    String[] cmd = r.nextInt(3) == 0
                            ? Kind.values()[r.nextInt(4)].change("k:" + r.nextInt(6000))[0]
                            : RdbBgsaveTest.randomWrite(r, 3000);
                    String reply = w.call(cmd);
                    assertFalse(reply.startsWith("-ERR internal"), reply);
                    writes++;
                }
                if (writes == 400) {
                    assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "0"));
                }
            }
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            assertFalse(before.equals(c.call("DEBUG", "DIGEST")));
        }
        assertTrue(writes > 300, "only " + writes + " writes during the save");
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals(before, c.call("DEBUG", "DIGEST"), "after " + writes + " writes");
        }
    }

    /**
     * The writer itself: keys given while a value is in parts follow it in the file, each under its own SELECTDB,
     * and the key after them gets a SELECTDB for its database again.
     */
    @Test
    void keysGivenDuringAValueInPartsFollowItInTheirDatabases() throws Exception {
        Keyspace keyspace = new Keyspace(4, 1);
        HashValue big = HashValue.table();
        for (int i = 0; i < 5000; i++) {
            big.set(("f" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8), 128);
        }
        Path file = dir.resolve("parts.rdb");
        RdbFileWriter writer = new RdbFileWriter(file, true);
        RdbSnapshotWriter rdb = new RdbSnapshotWriter(writer, true, keyspace, false, false, 0, 0, List.of());
        rdb.begin(null);
        rdb.key(0, bytes("first"), bytes("0"), -1, 0);
        assertFalse(rdb.keyInParts(0, bytes("big"), big, -1, 0, System.nanoTime()), "5000 fields in one go");
        rdb.key(2, bytes("early2"), bytes("two"), -1, 0);
        assertFalse(rdb.resume(System.nanoTime()));
        rdb.key(3, bytes("early3"), bytes("three"), -1, 0);
        rdb.key(2, bytes("again2"), bytes("two"), -1, 0);
        assertTrue(rdb.resume(Long.MAX_VALUE));
        rdb.key(0, bytes("last"), bytes("0"), -1, 0);
        assertTrue(rdb.keyInParts(1, bytes("whole"), bytes("string"), -1, 0, System.nanoTime()));
        rdb.finished();
        writer.finish();
        assertTrue(writer.await().ok());
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals(":3\r\n", c.call("DBSIZE"));
            assertEquals(":5000\r\n", c.call("HLEN", "big"));
            assertEquals("$5\r\nv4999\r\n", c.call("HGET", "big", "f4999"));
            assertEquals("$1\r\n0\r\n", c.call("GET", "last"));
            c.call("SELECT", "1");
            assertEquals("$6\r\nstring\r\n", c.call("GET", "whole"));
            c.call("SELECT", "2");
            assertEquals(":2\r\n", c.call("DBSIZE"));
            c.call("SELECT", "3");
            assertEquals("$5\r\nthree\r\n", c.call("GET", "early3"));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
