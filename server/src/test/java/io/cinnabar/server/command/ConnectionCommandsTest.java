package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import io.cinnabar.server.testing.ServerTest;
import org.junit.jupiter.api.Test;

class ConnectionCommandsTest extends ServerTest {
    @Test
    void pingEchoAndUnknownCommands() {
        assertEquals("+PONG\r\n", call("PING"));
        assertEquals(bulk("hi"), call("PING", "hi"));
        assertEquals(bulk("yo"), call("ECHO", "yo"));
        assertEquals("-ERR wrong number of arguments for 'ping' command\r\n", call("PING", "a", "b"));
        assertEquals("-ERR unknown command 'NOPE', with args beginning with: 'a' 'b' \r\n", call("NOPE", "a", "b"));
        assertEquals("-ERR unknown command 'nope', with args beginning with: \r\n", call("nope"));
        assertEquals("-ERR unknown subcommand 'zz'. Try CLIENT HELP.\r\n", call("CLIENT", "zz"));
        assertEquals("-ERR wrong number of arguments for 'client' command\r\n", call("CLIENT"));
        assertEquals("-ERR wrong number of arguments for 'client|setname' command\r\n", call("CLIENT", "SETNAME"));
    }

    @Test
    void helloSwitchesProtocolAndDescribesTheServer() {
        String reply = call("HELLO", "3");
        assertTrue(reply.startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:"),
                reply);
        assertTrue(reply.endsWith("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"));
        assertEquals("_\r\n", call("GET", "missing"));
        assertTrue(call("HELLO", "2").startsWith("*14\r\n"));
        assertEquals("$-1\r\n", call("GET", "missing"));
        assertEquals("-NOPROTO unsupported protocol version\r\n", call("HELLO", "4"));
        assertEquals("-ERR Protocol version is not an integer or out of range\r\n", call("HELLO", "x"));
        assertEquals("-ERR Syntax error in HELLO option 'foo'\r\n", call("HELLO", "3", "foo"));
    }

    @Test
    void selectAndSwapdb() {
        call("SET", "k", "zero");
        assertEquals("-ERR DB index is out of range\r\n", call("SELECT", "16"));
        assertEquals("-ERR value is not an integer or out of range\r\n", call("SELECT", "x"));
        assertEquals("+OK\r\n", call("SWAPDB", "0", "1"));
        assertEquals("$-1\r\n", call("GET", "k"));
        call("SELECT", "1");
        assertEquals(bulk("zero"), call("GET", "k"));
        assertEquals("-ERR invalid first DB index\r\n", call("SWAPDB", "a", "1"));
        call("SWAPDB", "0", "1");
    }

    @Test
    void clientNamesAndInfo() {
        assertEquals("$-1\r\n", call("CLIENT", "GETNAME"));
        assertEquals("+OK\r\n", call("CLIENT", "SETNAME", "worker-1"));
        assertEquals(bulk("worker-1"), call("CLIENT", "GETNAME"));
        assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
                call("CLIENT", "SETNAME", "a b"));
        assertEquals("+OK\r\n", call("CLIENT", "SETINFO", "LIB-NAME", "jedis"));
        assertEquals("-ERR Unrecognized option 'foo'\r\n", call("CLIENT", "SETINFO", "foo", "x"));
        String info = call("CLIENT", "INFO");
        assertTrue(info.contains(" name=worker-1 "), info);
        assertTrue(info.contains(" cmd=client|info "), info);
        assertTrue(call("CLIENT", "LIST").contains("name=worker-1"));
        assertEquals("-ERR Unknown client type 'foo'\r\n", call("CLIENT", "LIST", "TYPE", "foo"));
    }

    @Test
    void clientReplyOffSkipsRepliesUntilTurnedOn() {
        client.send(RespClient.encode("CLIENT", "REPLY", "OFF"));
        client.send(RespClient.encode("SET", "a", "1"));
        client.send(RespClient.encode("GET", "a"));
        client.send(RespClient.encode("NOPE"));
        assertEquals("+OK\r\n", call("CLIENT", "REPLY", "ON"));
        client.send(RespClient.encode("CLIENT", "REPLY", "SKIP"));
        client.send(RespClient.encode("GET", "a"));
        assertEquals(bulk("1"), call("GET", "a"));
    }

    @Test
    void clientKillClosesTheNamedConnection() {
        try (RespClient other = new RespClient(server.port())) {
            String id = other.call("CLIENT", "ID");
            String number = id.substring(1, id.length() - 2);
            assertEquals(":1\r\n", call("CLIENT", "KILL", "ID", number));
            assertTrue(other.closedByServer());
        }
        assertEquals("-ERR No such client\r\n", call("CLIENT", "KILL", "1.2.3.4:5"));
        assertEquals("-ERR client-id should be greater than 0\r\n", call("CLIENT", "KILL", "ID", "x"));
    }

    @Test
    void clientPauseHoldsWritesUntilItEnds() throws Exception {
        assertEquals("+OK\r\n", call("CLIENT", "PAUSE", "200", "WRITE"));
        try (RespClient writer = new RespClient(server.port())) {
            assertEquals(bulk("x"), writer.call("ECHO", "x"));
            long start = System.nanoTime();
            assertEquals("+OK\r\n", writer.call("SET", "k", "v"));
            assertTrue(System.nanoTime() - start > 100_000_000L, "the write waited for the pause");
        }
        assertEquals("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", call("CLIENT", "PAUSE", "10", "foo"));
        assertEquals("-ERR timeout is negative\r\n", call("CLIENT", "PAUSE", "-1"));
    }

    @Test
    void pauseAllHoldsEveryCommandAndUnpauseFromAWriteOnlyPauseReleasesAtOnce() {
        assertEquals("+OK\r\n", call("CLIENT", "PAUSE", "200", "ALL"));
        try (RespClient other = new RespClient(server.port())) {
            long start = System.nanoTime();
            assertEquals("+PONG\r\n", other.call("PING"));
            assertTrue(System.nanoTime() - start > 100_000_000L, "even reads wait under ALL");
        }
        assertEquals("+OK\r\n", call("CLIENT", "PAUSE", "100000", "WRITE"));
        try (RespClient writer = new RespClient(server.port())) {
            writer.send(RespClient.encode("SET", "k", "v"));
            assertEquals("+OK\r\n", call("CLIENT", "UNPAUSE"));
            assertEquals("+OK\r\n", writer.readReplyText());
        }
    }

    @Test
    void authWithRequirepass() {
        try (CinnabarServer secured = CinnabarServer.builder().password("s3cret").build().start();
             RespClient c = new RespClient(secured.port())) {
            assertEquals("-NOAUTH Authentication required.\r\n", c.call("GET", "k"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", c.call("AUTH", "bad"));
            assertEquals("+OK\r\n", c.call("AUTH", "s3cret"));
            assertEquals("$-1\r\n", c.call("GET", "k"));
            assertEquals("+OK\r\n", c.call("AUTH", "default", "s3cret"));
            assertEquals("+RESET\r\n", c.call("RESET"));
            assertEquals("-NOAUTH Authentication required.\r\n", c.call("GET", "k"));
            // 7.0.15's text (7.2 added "<proto>" after HELLO)
            assertEquals("-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                    + "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
                    + "version at the same time\r\n", c.call("HELLO", "3"));
            assertTrue(c.call("HELLO", "3", "AUTH", "default", "s3cret").startsWith("%7\r\n"));
        }
        assertEquals("-ERR AUTH <password> called without any password configured for the default user. "
                + "Are you sure your configuration is correct?\r\n", call("AUTH", "x"));
        assertEquals("+OK\r\n", call("AUTH", "default", "anything"));
    }

    @Test
    void quitRepliesAndCloses() {
        assertEquals("+OK\r\n", call("QUIT", "whatever"));
        assertTrue(client.closedByServer());
    }
}
