package io.cinnabar.server.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.types.Strings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blocked-client subsystem on its own: FIFO service through the write hook, deadlines on the server clock. */
class BlockedClientsTest {
    private Engine engine;
    private BlockedClients blocked;
    private final List<ByteBuf> buffers = new ArrayList<>();
    private long nextId = 1000;

    /** Serves a waiter by taking a string key away, as a pop would; refuses keys of other kinds. */
    private static final BlockedClients.Waiter TAKE = new BlockedClients.Waiter() {
        @Override
        public boolean serve(Client c, Database db, byte[] key) {
            Dict.Entry e = db.lookupWrite(key);
            if (e == null || !Strings.is(e.value)) {
                return false;
            }
            c.reply.array(2);
            c.reply.bulk(key);
            c.reply.bulk(Strings.bytes(e.value));
            db.unlink(e);
            db.modified(key, KeyEvent.DEL);
            return true;
        }

        @Override
        public void timedOut(Client c) {
            c.reply.nullArray();
        }
    };

    @BeforeEach
    void setUp() {
        Config config = new Config();
        engine = new Engine(config, new ServerClock(), new Log(config, true));
        blocked = engine.blocked();
    }

    @AfterEach
    void release() {
        buffers.forEach(ByteBuf::release);
    }

    private Client client() {
        ByteBuf buffer = Unpooled.buffer();
        buffers.add(buffer);
        Client c = new Client(nextId++, engine, null, new ReplyWriter(buffer));
        c.db = engine.keyspace().db(0);
        return c;
    }

    private static String reply(Client c) {
        return c.reply.buffer().toString(StandardCharsets.UTF_8);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void write(int db, String key, String value) {
        engine.keyspace().db(db).add(b(key), b(value)); // reports "new" through the write hook
    }

    @Test
    void waitersAreServedFirstComeFirstServedAfterTheCommand() {
        Database db = engine.keyspace().db(0);
        Client first = client();
        Client second = client();
        blocked.block(first, db, new byte[][] {b("q")}, 0, TAKE);
        blocked.block(second, db, new byte[][] {b("q")}, 0, TAKE);
        assertTrue(first.parked() && second.parked());
        assertEquals(2, blocked.count());
        write(0, "q", "one");
        assertTrue(blocked.hasReady());
        blocked.serveReady();
        assertEquals("*2\r\n$1\r\nq\r\n$3\r\none\r\n", reply(first));
        assertEquals("", reply(second));
        assertFalse(first.parked());
        assertTrue(second.parked());
        write(0, "q", "two");
        blocked.serveReady();
        assertEquals("*2\r\n$1\r\nq\r\n$3\r\ntwo\r\n", reply(second));
        assertEquals(0, blocked.count());
        assertEquals("N", second.flags());
    }

    @Test
    void aClientWaitingOnSeveralKeysIsServedOnceAndLeavesEveryQueue() {
        Database db = engine.keyspace().db(0);
        Client c = client();
        blocked.block(c, db, new byte[][] {b("a"), b("b"), b("a")}, 0, TAKE);
        assertEquals("b", c.flags());
        write(0, "b", "x");
        write(0, "a", "y");
        blocked.serveReady();
        assertEquals("*2\r\n$1\r\nb\r\n$1\r\nx\r\n", reply(c));
        assertEquals(0, blocked.blockedOnKeys());
        write(0, "a", "z"); // nobody waits any more: nothing becomes ready
        assertFalse(blocked.hasReady());
    }

    @Test
    void keysOfAnotherKindOrAnotherDatabaseKeepTheClientWaiting() {
        Database db = engine.keyspace().db(0);
        Client c = client();
        blocked.block(c, db, new byte[][] {b("k")}, 0, TAKE);
        db.add(b("k"), new Object()); // a value the waiter does not take, as a list waiter meets a set
        write(1, "k", "other database");
        blocked.serveReady();
        assertTrue(c.parked());
        assertEquals("", reply(c));
    }

    @Test
    void deadlinesFollowTheServerClockAndZeroWaitsForever() {
        Database db = engine.keyspace().db(0);
        Client soon = client();
        Client never = client();
        long now = engine.clock().millis();
        blocked.block(soon, db, new byte[][] {b("k")}, now + 1500, TAKE);
        blocked.block(never, db, new byte[][] {b("k")}, 0, TAKE);
        engine.advanceClock(Duration.ofSeconds(1));
        assertTrue(soon.parked());
        engine.advanceClock(Duration.ofSeconds(1));
        assertFalse(soon.parked());
        assertEquals("*-1\r\n", reply(soon));
        engine.advanceClock(Duration.ofDays(365));
        assertTrue(never.parked());
        assertEquals(1, blocked.count());
    }

    @Test
    void aClosedClientLeavesNothingBehind() {
        Database db = engine.keyspace().db(0);
        Client c = client();
        blocked.block(c, db, new byte[][] {b("k")}, 0, TAKE);
        engine.clientClosed(c);
        assertEquals(0, blocked.count());
        write(0, "k", "v");
        assertFalse(blocked.hasReady());
    }

    @Test
    void swapdbBringsAWaitedKeyIn() {
        Client c = client();
        blocked.block(c, engine.keyspace().db(0), new byte[][] {b("k")}, 0, TAKE);
        write(1, "k", "from db 1");
        blocked.serveReady();
        assertTrue(c.parked());
        engine.keyspace().swap(0, 1);
        blocked.serveReady();
        assertEquals("*2\r\n$1\r\nk\r\n$9\r\nfrom db 1\r\n", reply(c));
    }

    @Test
    void unblockRepliesAsOnTimeoutOrWithTheErrorAndLeavesEveryQueue() {
        Database db = engine.keyspace().db(0);
        Client timedOut = client();
        Client failed = client();
        Client idle = client();
        blocked.block(timedOut, db, new byte[][] {b("k"), b("j")}, engine.clock().millis() + 1000, TAKE);
        blocked.block(failed, db, new byte[][] {b("k")}, 0, TAKE);
        assertEquals(1, blocked.withDeadline());
        assertTrue(blocked.unblock(timedOut, false));
        assertTrue(blocked.unblock(failed, true));
        assertFalse(blocked.unblock(idle, false));
        assertFalse(blocked.unblock(timedOut, true));
        assertEquals("*-1\r\n", reply(timedOut));
        assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", reply(failed));
        assertEquals(0, blocked.count());
        assertEquals(0, blocked.withDeadline());
        assertFalse(timedOut.parked() || failed.parked());
        write(0, "k", "v"); // nobody waits any more
        assertFalse(blocked.hasReady());
        engine.advanceClock(Duration.ofSeconds(2)); // the old deadline is gone with the client
        assertEquals("*-1\r\n", reply(timedOut));
    }
}
