package io.cinnabar.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The manifest as Redis 7.0's aof.c reads and writes it, with its naming rules and fatal cases. */
class AofManifestTest {
    private static AofManifest parse(String s) throws AofManifest.Invalid {
        return AofManifest.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String format(AofManifest m) {
        return new String(m.format(), StandardCharsets.ISO_8859_1);
    }

    private static String fatal(String s) {
        return assertThrows(AofManifest.Invalid.class, () -> parse(s)).reason;
    }

    @Test
    void namesFilesAndMovesThemToHistoryAsRedis() throws Exception {
        AofManifest m = new AofManifest();
        assertEquals("appendonly.aof.1.base.rdb", m.newBase("appendonly.aof", true));
        assertEquals("appendonly.aof.1.incr.aof", m.lastIncr("appendonly.aof"));
        assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                format(m));
        // a rewrite: a new incr at its start, then a new base; the old base and the covered incr become history
        m.newIncr("appendonly.aof");
        m.newIncr("appendonly.aof");
        assertEquals("appendonly.aof.2.base.aof", m.newBase("appendonly.aof", false));
        m.markRewrittenIncrAsHistory(true);
        assertEquals("file appendonly.aof.2.base.aof seq 2 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type h\n"
                + "file appendonly.aof.2.incr.aof seq 2 type h\n"
                + "file appendonly.aof.1.base.rdb seq 1 type h\n"
                + "file appendonly.aof.3.incr.aof seq 3 type i\n", format(m));
        AofManifest back = parse(format(m));
        assertEquals(format(m), format(back));
        assertEquals("appendonly.aof.4.incr.aof", back.newIncr("appendonly.aof"));
    }

    @Test
    void quotesUnusualNamesAndReadsQuotedOnes() throws Exception {
        AofManifest m = new AofManifest();
        m.newBase("my file\t\"x\"\u00e9", false);
        String text = format(m);
        assertEquals("file \"my file\\t\\\"x\\\"\\xe9.1.base.aof\" seq 1 type b\n", text);
        assertEquals("my file\t\"x\"\u00e9.1.base.aof", parse(text).base().name);
        // Redis writes a backslash quoted but refuses it when reading (a name must not look like a path)
        AofManifest slash = new AofManifest();
        slash.newBase("a\\b", false);
        assertEquals("file \"a\\\\b.1.base.aof\" seq 1 type b\n", format(slash));
        assertEquals("a b", parse("file 'a b' seq 1 type b\n").base().name);
    }

    @Test
    void skipsCommentsTrimsIgnoresUnknownKeysAndReadsKeysInAnyCase() throws Exception {
        AofManifest m = parse("# a comment\n  FILE x.1.incr.aof SEQ 007 TYPE incr extra value  \r\n");
        assertNull(m.base());
        assertEquals(1, m.incr().size());
        assertEquals(7, m.incr().get(0).seq);
        assertEquals('i', m.incr().get(0).type);
    }

    @Test
    void refusesWhatRedisRefuses() {
        assertEquals("Found an empty AOF manifest", fatal(""));
        assertEquals("Invalid AOF manifest file format", fatal("\n"));
        assertEquals("Invalid AOF manifest file format", fatal("file a seq 1\n"));
        assertEquals("Invalid AOF manifest file format", fatal("file a seq 1 type\n"));
        assertEquals("Invalid AOF manifest file format", fatal("file a seq 0 type b\n"));
        assertEquals("Invalid AOF manifest file format", fatal("file a seq x type b\n"));
        assertEquals("Invalid AOF manifest file format", fatal("file \"a seq 1 type b\n"));
        assertEquals("The AOF manifest file contains too long line", fatal("file a seq 1 type b"));
        assertEquals("The AOF manifest file contains too long line",
                fatal("file " + "a".repeat(1100) + " seq 1 type b\n"));
        assertEquals("File can't be a path, just a filename", fatal("file dir/a seq 1 type b\n"));
        assertEquals("Found duplicate base file information", fatal("file a seq 1 type b\nfile b seq 2 type b\n"));
        assertEquals("Found a non-monotonic sequence number", fatal("file a seq 2 type i\nfile b seq 2 type i\n"));
        assertEquals("Unknown AOF file type", fatal("file a seq 1 type x\n"));
    }
}
