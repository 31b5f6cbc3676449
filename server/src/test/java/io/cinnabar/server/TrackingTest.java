package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client-side caching (CLIENT TRACKING) with several clients, byte for byte as Redis 7.0.15 answers (each sequence
 * checked on it). A message that must not come is checked by the PONG of a PING sent afterwards coming first.
 */
class TrackingTest {
    private static CinnabarServer server;

    @BeforeAll
    static void start() {
        server = CinnabarServer.builder().build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clean() {
        server.flushAll();
        try (RespClient admin = new RespClient(server.port())) {
            admin.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
            admin.call("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    private static RespClient connect() {
        return new RespClient(server.port());
    }

    private static RespClient resp3() {
        RespClient c = connect();
        c.call("HELLO", "3");
        return c;
    }

    private static String invalidate(String... keys) {
        StringBuilder sb = new StringBuilder(">2\r\n$10\r\ninvalidate\r\n*").append(keys.length).append("\r\n");
        for (String k : keys) {
            sb.append('$').append(k.length()).append("\r\n").append(k).append("\r\n");
        }
        return sb.toString();
    }

    private static String message(String keys) {
        return "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n" + keys;
    }

    private static long id(RespClient c) {
        String reply = c.call("CLIENT", "ID");
        return Long.parseLong(reply.substring(1, reply.length() - 2));
    }

    private static String info(RespClient c, String field) {
        String text = c.call("INFO", "everything");
        int at = text.indexOf("\r\n" + field + ":");
        return text.substring(at + field.length() + 3, text.indexOf("\r\n", at + 2));
    }

    @Test
    void aReadKeyIsInvalidatedOnceWhenAnotherClientWritesIt() {
        try (RespClient reader = resp3(); RespClient writer = connect()) {
            assertEquals("+OK\r\n", reader.call("CLIENT", "TRACKING", "on"));
            assertEquals("_\r\n", reader.call("GET", "k"));
            assertEquals("*2\r\n_\r\n_\r\n", reader.call("MGET", "k", "j"));
            assertEquals("+OK\r\n", writer.call("MSET", "k", "1", "j", "2"));
            assertEquals(invalidate("k"), reader.readReplyText());
            assertEquals(invalidate("j"), reader.readReplyText());
            assertEquals("+PONG\r\n", reader.call("PING"));
            // forgotten after one invalidation: the next write says nothing
            assertEquals("+OK\r\n", writer.call("SET", "k", "2"));
            assertEquals("+PONG\r\n", reader.call("PING"));
        }
    }

    @Test
    void ownWritesAreInvalidatedAfterTheReplyUnlessNoloop() {
        try (RespClient c = resp3()) {
            c.call("CLIENT", "TRACKING", "on");
            c.call("GET", "k");
            // Redis 7.0 queues it while the command runs and sends it after the reply
            assertEquals("+OK\r\n" + invalidate("k"), call2(c, "SET", "k", "1"));
            c.call("MGET", "k", "j");
            c.send(RespClient.encode("MULTI"));
            c.readReplyText();
            c.call("SET", "k", "2");
            c.call("SET", "j", "2");
            c.send(RespClient.encode("EXEC"));
            assertEquals("*2\r\n+OK\r\n+OK\r\n", c.readReplyText());
            assertEquals(invalidate("k"), c.readReplyText());
            assertEquals(invalidate("j"), c.readReplyText());
            c.call("GET", "k");
            c.send(RespClient.encode("EVAL", "redis.call('set', KEYS[1], '3') return 1", "1", "k"));
            assertEquals(":1\r\n", c.readReplyText());
            assertEquals(invalidate("k"), c.readReplyText());
            c.call("GET", "k");
            c.send(RespClient.encode("FLUSHDB"));
            assertEquals("+OK\r\n", c.readReplyText());
            assertEquals(">2\r\n$10\r\ninvalidate\r\n_\r\n", c.readReplyText());

            assertEquals("+OK\r\n", c.call("CLIENT", "TRACKING", "on", "NOLOOP"));
            c.call("GET", "k");
            assertEquals("+OK\r\n", c.call("SET", "k", "1"));
            assertEquals("+PONG\r\n", c.call("PING"));
            try (RespClient other = connect()) {
                c.call("GET", "k");
                other.call("SET", "k", "2");
                assertEquals(invalidate("k"), c.readReplyText());
            }
        }
    }

    /** Sends a command and reads two frames (its reply and what follows it). */
    private static String call2(RespClient c, String... args) {
        c.send(RespClient.encode(args));
        return c.readReplyText() + c.readReplyText();
    }

    @Test
    void resp2ClientsRedirectToASubscriberOfRedisInvalidate() {
        try (RespClient a = connect(); RespClient r = connect(); RespClient b = connect()) {
            long rid = id(r);
            r.call("SUBSCRIBE", "__redis__:invalidate");
            assertEquals("+OK\r\n", a.call("CLIENT", "TRACKING", "on", "REDIRECT", Long.toString(rid)));
            assertEquals(":" + rid + "\r\n", a.call("CLIENT", "GETREDIR"));
            assertEquals("$-1\r\n", a.call("GET", "k"));
            b.call("SET", "k", "1");
            assertEquals(message("*1\r\n$1\r\nk\r\n"), r.readReplyText());
            a.call("GET", "k");
            a.call("SET", "k", "2"); // its own write goes to the redirect target too
            assertEquals(message("*1\r\n$1\r\nk\r\n"), r.readReplyText());
            a.call("FLUSHALL");
            assertEquals(message("$-1\r\n"), r.readReplyText()); // the null of the tracking client's RESP2
            String list = a.call("CLIENT", "LIST", "ID", Long.toString(id(a)));
            assertTrue(list.contains(" flags=t db=0 "), list);
            assertTrue(list.contains(" redir=" + rid + " resp=2\n"), list);
            assertEquals("1", info(a, "tracking_clients"));
        }
    }

    @Test
    void aVanishedRedirectTargetBreaksTheRedirect() throws Exception {
        try (RespClient a = connect(); RespClient b = connect()) {
            long rid;
            try (RespClient r = connect()) {
                rid = id(r);
                a.call("CLIENT", "TRACKING", "on", "REDIRECT", Long.toString(rid));
            }
            for (int i = 0; i < 200 && a.call("CLIENT", "LIST").contains("id=" + rid + " "); i++) {
                Thread.sleep(5); // the server notices the disconnection
            }
            a.call("GET", "k");
            b.call("SET", "k", "1");
            assertEquals("*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:" + rid
                    + "\r\n$8\r\nprefixes\r\n*0\r\n", a.call("CLIENT", "TRACKINGINFO"));
            assertTrue(a.call("CLIENT", "INFO").contains(" flags=tR db=0 "));
            a.call("HELLO", "3");
            a.call("GET", "k");
            b.call("SET", "k", "2");
            assertEquals(">2\r\n$21\r\ntracking-redir-broken\r\n:" + rid + "\r\n", a.readReplyText());
            assertEquals("+PONG\r\n", a.call("PING"));
        }
    }

    @Test
    void bcastSendsTheChangedKeysOfEachPrefixOncePerTurn() {
        try (RespClient a = resp3(); RespClient b = connect()) {
            assertEquals("+OK\r\n", a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "u:", "PREFIX", "v:"));
            b.call("MSET", "u:1", "1", "v:1", "1", "w:1", "1", "u:0", "x");
            assertEquals(invalidate("u:0", "u:1"), a.readReplyText()); // in byte order, prefix by prefix
            assertEquals(invalidate("v:1"), a.readReplyText());
            assertEquals("+OK\r\n" + invalidate("u:2"), call2(a, "SET", "u:2", "x"));
            assertTrue(a.call("CLIENT", "INFO").contains(" flags=tB db=0 "));
            assertEquals("%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\n"
                    + "prefixes\r\n*2\r\n$2\r\nu:\r\n$2\r\nv:\r\n", a.call("CLIENT", "TRACKINGINFO"));
            assertEquals("2", info(b, "tracking_total_prefixes"));
            assertEquals("+OK\r\n", a.call("CLIENT", "TRACKING", "off"));
            assertEquals("0", info(b, "tracking_total_prefixes"));

            // NOLOOP: the keys it wrote last itself are left out
            a.call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP", "PREFIX", "k");
            a.call("MSET", "k1", "1", "k2", "2");
            b.call("MSET", "k2", "3", "k0", "1");
            assertEquals(invalidate("k0", "k2"), a.readReplyText());
            a.call("SET", "k9", "1");
            assertEquals("+PONG\r\n", a.call("PING"));
        }
    }

    @Test
    void overlappingPrefixesAreRefusedAsRedisDoes() {
        try (RespClient a = connect()) {
            // two given prefixes overlapping: Redis 7.0.15 replies the error, then OK, and tracks them all
            a.send(RespClient.encode("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b", "PREFIX",
                    "bc"));
            assertEquals("-ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single client "
                    + "must not overlap.\r\n", a.readReplyText());
            assertEquals("+OK\r\n", a.readReplyText());
            assertEquals("-ERR Prefix 'ab' overlaps with an existing prefix 'a'. Prefixes for a single client must "
                    + "not overlap.\r\n", a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab"));
            assertEquals("-ERR Prefix 'y' overlaps with another provided prefix 'y'. Prefixes for a single client "
                    + "must not overlap.\r\n", a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "y", "PREFIX", "z",
                    "PREFIX", "y"));
            assertEquals("+OK\r\n", a.call("CLIENT", "TRACKING", "on", "BCAST"));
            assertEquals("*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\n"
                    + "prefixes\r\n*4\r\n$0\r\n\r\n$1\r\na\r\n$1\r\nb\r\n$2\r\nbc\r\n", a.call("CLIENT", "TRACKINGINFO"));
            assertEquals("-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
                    + "then re-enabling it with a different mode.\r\n", a.call("CLIENT", "TRACKING", "on"));
            assertEquals("-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n",
                    a.call("CLIENT", "TRACKING", "on", "BCAST", "OPTIN"));
        }
    }

    @Test
    void optionErrorsAndOptinOptout() {
        try (RespClient a = resp3(); RespClient b = connect()) {
            assertEquals("-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
                    + "OPTOUT mode enabled\r\n", a.call("CLIENT", "CACHING", "yes"));
            assertEquals("-ERR PREFIX option requires BCAST mode to be enabled\r\n",
                    a.call("CLIENT", "TRACKING", "on", "PREFIX", "x"));
            assertEquals("-ERR The client ID you want redirect to does not exist\r\n",
                    a.call("CLIENT", "TRACKING", "on", "REDIRECT", "9999"));
            assertEquals("-ERR value is not an integer or out of range\r\n",
                    a.call("CLIENT", "TRACKING", "on", "REDIRECT", "abc"));
            long own = id(a);
            assertEquals("-ERR A client can only redirect to a single other client\r\n",
                    a.call("CLIENT", "TRACKING", "on", "REDIRECT", Long.toString(own), "REDIRECT", "1"));
            assertEquals("-ERR syntax error\r\n", a.call("CLIENT", "TRACKING", "on", "REDIRECT"));
            assertEquals("-ERR syntax error\r\n", a.call("CLIENT", "TRACKING", "maybe"));
            assertEquals("-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n",
                    a.call("CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"));
            assertEquals("%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
                    a.call("CLIENT", "TRACKINGINFO"));
            assertEquals(":-1\r\n", a.call("CLIENT", "GETREDIR"));

            assertEquals("+OK\r\n", a.call("CLIENT", "TRACKING", "on", "OPTIN"));
            assertEquals("-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n",
                    a.call("CLIENT", "CACHING", "no"));
            assertEquals("-ERR syntax error\r\n", a.call("CLIENT", "CACHING", "maybe"));
            assertEquals("-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and "
                    + "then re-enabling it with a different mode.\r\n", a.call("CLIENT", "TRACKING", "on", "OPTOUT"));
            a.call("GET", "o1"); // not remembered without CACHING YES
            assertEquals("+OK\r\n", a.call("CLIENT", "CACHING", "yes"));
            assertEquals("%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n$8\r\nredirect"
                    + "\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n", a.call("CLIENT", "TRACKINGINFO")); // CLIENT keeps it
            a.call("GET", "o2"); // remembered, and CACHING is spent
            a.call("GET", "o3");
            b.call("MSET", "o1", "1", "o2", "2", "o3", "3");
            assertEquals(invalidate("o2"), a.readReplyText());
            assertEquals("+PONG\r\n", a.call("PING"));
            // the whole transaction reads with it
            a.call("CLIENT", "CACHING", "yes");
            a.call("MULTI");
            a.call("GET", "o1");
            a.call("GET", "o3");
            a.call("EXEC");
            b.call("MSET", "o1", "1", "o3", "3");
            assertEquals(invalidate("o1"), a.readReplyText());
            assertEquals(invalidate("o3"), a.readReplyText());

            a.call("CLIENT", "TRACKING", "off");
            a.call("CLIENT", "TRACKING", "on", "OPTOUT");
            a.call("CLIENT", "CACHING", "no");
            a.call("GET", "p1"); // not remembered
            a.call("GET", "p2");
            b.call("MSET", "p1", "1", "p2", "2");
            assertEquals(invalidate("p2"), a.readReplyText());
            assertEquals("+PONG\r\n", a.call("PING"));
        }
    }

    @Test
    void scriptsRememberWhatTheyReadForTheCallerNotTheirDeclaredKeys() {
        try (RespClient a = resp3(); RespClient b = connect()) {
            a.call("CLIENT", "TRACKING", "on");
            a.call("EVAL", "return redis.call('get', KEYS[1])", "1", "s1");
            a.call("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "s2");
            a.call("EVAL_RO", "return 1", "1", "s3"); // EVAL_RO is read-only, but its keys are not remembered
            a.call("EVAL", "return 1", "1", "s4");
            b.call("MSET", "s1", "1", "s2", "2", "s3", "3", "s4", "4");
            assertEquals(invalidate("s1"), a.readReplyText());
            assertEquals(invalidate("s2"), a.readReplyText());
            assertEquals("+PONG\r\n", a.call("PING"));
            // commands with keys found by key specs (numkeys) and without
            a.call("ZUNION", "2", "z1", "z2");
            a.call("EXISTS", "t1", "t2");
            b.call("MSET", "z1", "1", "z2", "1", "t1", "1", "t2", "1");
            assertEquals(invalidate("z1"), a.readReplyText());
            assertEquals(invalidate("z2"), a.readReplyText());
            assertEquals(invalidate("t1"), a.readReplyText());
            assertEquals(invalidate("t2"), a.readReplyText());
        }
    }

    @Test
    void expiryInvalidatesAndFlushSendsANullToEveryTrackingClient() {
        try (RespClient a = resp3(); RespClient r2 = connect(); RespClient b = connect()) {
            a.call("CLIENT", "TRACKING", "on");
            b.call("SET", "e", "1", "EX", "10");
            a.call("GET", "e");
            server.clock().advance(Duration.ofSeconds(11));
            assertEquals(invalidate("e"), a.readReplyText());
            r2.call("CLIENT", "TRACKING", "on"); // RESP2 without redirect: told nothing
            b.call("FLUSHALL");
            assertEquals(">2\r\n$10\r\ninvalidate\r\n_\r\n", a.readReplyText());
            assertEquals("+PONG\r\n", r2.call("PING"));
            assertEquals("2", info(b, "tracking_clients"));
        }
    }

    @Test
    void invalidationComesBeforeTheKeyspaceEventExceptForExpiry() {
        try (RespClient n = resp3(); RespClient b = connect()) {
            b.call("CONFIG", "SET", "notify-keyspace-events", "KA");
            n.call("CLIENT", "TRACKING", "on");
            n.call("PSUBSCRIBE", "__keyspace@0__:*");
            n.call("GET", "q");
            b.call("SET", "q", "1");
            assertEquals(invalidate("q"), n.readReplyText());
            assertEquals(">4\r\n$8\r\npmessage\r\n$16\r\n__keyspace@0__:*\r\n$16\r\n__keyspace@0__:q\r\n$3\r\nset\r\n",
                    n.readReplyText());
            n.call("GET", "q");
            b.call("PEXPIRE", "q", "50000");
            assertEquals(invalidate("q"), n.readReplyText());
            n.readReplyText(); // expire
            n.call("GET", "q");
            server.clock().advance(Duration.ofSeconds(60));
            assertEquals(">4\r\n$8\r\npmessage\r\n$16\r\n__keyspace@0__:*\r\n$16\r\n__keyspace@0__:q\r\n$7\r\nexpired"
                    + "\r\n", n.readReplyText());
            assertEquals(invalidate("q"), n.readReplyText());
        }
    }

    @Test
    void theTableIsKeptWithinTrackingTableMaxKeys() {
        try (RespClient a = resp3(); RespClient b = connect()) {
            a.call("CLIENT", "TRACKING", "on");
            a.call("MGET", "a", "b", "c");
            assertEquals("3", info(b, "tracking_total_keys"));
            assertEquals("3", info(b, "tracking_total_items"));
            b.call("CONFIG", "SET", "tracking-table-max-keys", "1");
            b.call("PING"); // evicts before the command: two random keys, told as if changed
            String first = a.readReplyText();
            String second = a.readReplyText();
            assertTrue(first.startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\n"), first);
            assertTrue(second.startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\n"), second);
            assertEquals("1", info(b, "tracking_total_keys"));
            // a client that turns tracking off leaves its ids behind until the key changes
            a.call("CLIENT", "TRACKING", "off");
            assertEquals("0", info(b, "tracking_clients"));
            assertEquals("1", info(b, "tracking_total_items"));
            b.call("MSET", "a", "1", "b", "1", "c", "1");
            assertEquals("0", info(b, "tracking_total_items"));
            assertEquals("+PONG\r\n", a.call("PING"));
        }
    }

    @Test
    void resetAndDisconnectTurnTrackingOff() throws Exception {
        try (RespClient a = connect(); RespClient b = connect()) {
            a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x");
            assertEquals("+RESET\r\n", a.call("RESET"));
            assertEquals("*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
                    a.call("CLIENT", "TRACKINGINFO"));
            assertEquals("0", info(b, "tracking_total_prefixes"));
            try (RespClient c = connect()) {
                c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x");
                assertEquals("1", info(b, "tracking_clients"));
            }
            String clients = "";
            for (int i = 0; i < 200; i++) {
                clients = info(b, "tracking_clients");
                if (clients.equals("0")) {
                    break;
                }
                Thread.sleep(5);
            }
            assertEquals("0", clients);
            assertEquals("0", info(b, "tracking_total_prefixes"));
        }
    }
}
