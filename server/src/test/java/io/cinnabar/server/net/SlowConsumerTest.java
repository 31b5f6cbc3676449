package io.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that do not read their replies: client-output-buffer-limit closes them as Redis 7.0.15 does (the
 * scenarios of its unit/obuf-limits.tcl), back-pressure throttles a normal client instead of buffering its replies
 * without bound, and nobody else waits meanwhile. Large values arrive intact and in order.
 */
class SlowConsumerTest {
    private static final byte[] MB = value(1 << 20);

    @TempDir
    Path dir;
    private CinnabarServer server;
    private RespClient client;

    @BeforeEach
    void start() {
        server = CinnabarServer.builder().config("dir", dir.toString()).config("logfile", "server.log").build().start();
        client = new RespClient(server.port());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private static byte[] value(int size) {
        byte[] v = new byte[size];
        for (int i = 0; i < size; i++) {
            v[i] = (byte) ('a' + i % 26);
        }
        return v;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A connection that reads nothing unless asked, with a small receive window so replies pile up server-side. */
    private Socket slowSocket() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(16 * 1024);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        s.setSoTimeout(10_000);
        return s;
    }

    private Map<String, String> clientInfo(String name) {
        String list = client.call("CLIENT", "LIST");
        for (String line : list.split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                Map<String, String> fields = new HashMap<>();
                for (String kv : line.trim().split(" ")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        fields.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                return fields;
            }
        }
        return null;
    }

    /** Bytes waiting for the client: the reply buffer and the outbound queue. */
    private long pending(String name) {
        Map<String, String> f = clientInfo(name);
        return f == null ? -1 : Long.parseLong(f.get("obl")) + Long.parseLong(f.get("omem"));
    }

    private void awaitGone(String name) throws InterruptedException {
        for (int i = 0; i < 200 && clientInfo(name) != null; i++) {
            Thread.sleep(5);
        }
        assertEquals(null, clientInfo(name));
    }

    private String log() throws IOException {
        Path file = dir.resolve("server.log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] chunk = new byte[1 << 16];
        try {
            while (true) {
                if (in.read(chunk) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void aSubscriberThatNeverReadsIsDisconnectedAtThePubsubHardLimitWithItsMemoryBounded() throws Exception {
        assertEquals("+OK\r\n", client.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 4mb 0 0"));
        try (Socket sub = slowSocket()) {
            sub.getOutputStream().write(RespClient.encode("CLIENT", "SETNAME", "slow-sub"));
            sub.getOutputStream().write(RespClient.encode("SUBSCRIBE", "feed"));
            for (int i = 0; i < 200 && !"1".equals(pubsubCount()); i++) {
                Thread.sleep(5);
            }
            long most = 0;
            int published = 0;
            while (published < 100) {
                String receivers = new String(client.callBytes(bytes("PUBLISH"), bytes("feed"), MB), StandardCharsets.UTF_8);
                published++;
                if (receivers.equals(":0\r\n")) {
                    break;
                }
                most = Math.max(most, pending("slow-sub"));
            }
            assertTrue(published < 20, "disconnected after about 4 MB, not " + published + " messages");
            assertTrue(most < 6L << 20, "never more than the limit and a message pending: " + most);
            assertTrue(closedByServer(sub));
            awaitGone("slow-sub");
            String log = log();
            assertTrue(log.contains(" # Client id="), log);
            assertTrue(log.contains(" name=slow-sub ") && log.contains(" flags=P ")
                    && log.contains(" scheduled to be closed ASAP for overcoming of output buffer limits."), log);
        }
        assertEquals(":0\r\n", client.call("PUBSUB", "NUMPAT"));
        assertEquals("*2\r\n$4\r\nfeed\r\n:0\r\n", client.call("PUBSUB", "NUMSUB", "feed"));
    }

    private String pubsubCount() {
        String r = client.call("PUBSUB", "NUMSUB", "feed");
        return r.substring(r.lastIndexOf(':') + 1).trim();
    }

    @Test
    void theSoftLimitClosesOnlyAfterItsSecondsOnTheServerClock() throws Exception {
        client.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 512kb 10");
        try (Socket sub = slowSocket()) {
            sub.getOutputStream().write(RespClient.encode("CLIENT", "SETNAME", "soft-sub"));
            sub.getOutputStream().write(RespClient.encode("SUBSCRIBE", "feed"));
            for (int i = 0; i < 200 && !"1".equals(pubsubCount()); i++) {
                Thread.sleep(5);
            }
            byte[] message = value(128 * 1024);
            for (int i = 0; i < 16; i++) { // 2 MB: over the soft limit, whatever the kernel took
                assertEquals(":1\r\n", new String(client.callBytes(bytes("PUBLISH"), bytes("feed"), message),
                        StandardCharsets.UTF_8));
            }
            server.clock().advance(Duration.ofSeconds(10));
            assertEquals(":1\r\n", new String(client.callBytes(bytes("PUBLISH"), bytes("feed"), message),
                    StandardCharsets.UTF_8), "10 seconds are not more than 10");
            assertTrue(clientInfo("soft-sub") != null);
            server.clock().advance(Duration.ofSeconds(1));
            client.callBytes(bytes("PUBLISH"), bytes("feed"), message);
            assertTrue(closedByServer(sub));
            assertTrue(log().contains(" name=soft-sub "));
        }
    }

    @Test
    void noReplyAtAllWhenASingleReplyIsOverTheNormalHardLimit() throws Exception {
        // Redis's "No response for single command if client output buffer hard limit is enforced"
        client.call("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0");
        String item = "x".repeat(1000);
        for (int i = 0; i < 150; i++) {
            client.call("LPUSH", "mylist", item);
        }
        try (Socket big = slowSocket()) {
            big.getOutputStream().write(RespClient.encode("CLIENT", "SETNAME", "mybiglist"));
            byte[] ok = new byte[5];
            new java.io.DataInputStream(big.getInputStream()).readFully(ok);
            assertEquals("+OK\r\n", new String(ok, StandardCharsets.US_ASCII));
            big.getOutputStream().write(RespClient.encode("LRANGE", "mylist", "0", "-1"));
            assertEquals(-1, big.getInputStream().read(), "closed without a byte of the reply");
        }
        awaitGone("mybiglist");
        client.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0");
        assertEquals(":150\r\n", client.call("LLEN", "mylist"));
    }

    @Test
    void monitorClientsHaveTheNormalClassLimits() throws Exception {
        client.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0");
        try (Socket monitor = slowSocket()) {
            monitor.getOutputStream().write(RespClient.encode("CLIENT", "SETNAME", "mon"));
            monitor.getOutputStream().write(RespClient.encode("MONITOR"));
            for (int i = 0; i < 200 && !monitoring(); i++) {
                Thread.sleep(5);
            }
            byte[] v = value(64 * 1024);
            for (int i = 0; i < 100 && clientInfo("mon") != null; i++) {
                client.callBytes(bytes("SET"), bytes("k"), v);
            }
            assertTrue(closedByServer(monitor));
            assertTrue(log().contains(" name=mon ") && log().contains(" flags=O "), log());
        }
    }

    private boolean monitoring() {
        Map<String, String> f = clientInfo("mon");
        return f != null && f.get("flags").equals("O");
    }

    @Test
    void aNormalClientThatPipelinesWithoutReadingIsThrottledNotDisconnected() throws Exception {
        client.callBytes(bytes("SET"), bytes("big"), MB);
        int gets = 200;
        try (Socket hog = slowSocket()) {
            hog.getOutputStream().write(RespClient.encode("CLIENT", "SETNAME", "hog"));
            byte[] get = RespClient.encode("GET", "big");
            byte[] batch = new byte[get.length * gets];
            for (int i = 0; i < gets; i++) {
                System.arraycopy(get, 0, batch, i * get.length, get.length);
            }
            Thread writer = new Thread(() -> {
                try {
                    hog.getOutputStream().write(batch);
                } catch (IOException ignored) {
                    // the assertions below tell
                }
            });
            writer.start();
            long most = 0;
            long slowestPing = 0;
            for (int i = 0; i < 50; i++) {
                long t = System.nanoTime();
                assertEquals("+PONG\r\n", client.call("PING"));
                slowestPing = Math.max(slowestPing, System.nanoTime() - t);
                most = Math.max(most, pending("hog"));
                Thread.sleep(10);
            }
            // 200 MB of replies unread: what waits server-side stays around the high water mark and a reply
            assertTrue(most < 4L << 20, "pending output bounded: " + most);
            assertTrue(slowestPing < 1_000_000_000L, "others are served meanwhile: " + slowestPing / 1_000_000 + " ms");
            InputStream in = new BufferedInputStream(hog.getInputStream(), 1 << 20);
            assertArrayEquals(bytes("+OK\r\n"), in.readNBytes(5));
            byte[] expected = ("$" + MB.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < gets; i++) {
                assertArrayEquals(expected, in.readNBytes(expected.length), "reply " + i);
                byte[] got = in.readNBytes(MB.length + 2);
                assertTrue(Arrays.equals(got, 0, MB.length, MB, 0, MB.length), "reply " + i);
            }
            writer.join();
            assertFalse(log().contains("output buffer limits"));
        }
    }

    @Test
    void largeValuesArriveIntactAndInOrderAmongSmallReplies() {
        int[] sizes = {ClientHandler.VALUE_CHUNK - 1, 32 * 1024, 32 * 1024 - 1, 3 * ClientHandler.VALUE_CHUNK + 7, 5};
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            client.callBytes(bytes("SET"), bytes("v" + i), value(sizes[i]));
            pipeline.append("GET v").append(i).append("\r\nPING\r\nGETRANGE v").append(i).append(" 1 -2\r\n");
        }
        client.sendText(pipeline.toString());
        for (int i = 0; i < sizes.length; i++) {
            byte[] v = value(sizes[i]);
            assertArrayEquals(bulk(v, 0, v.length), client.readReply());
            assertEquals("+PONG\r\n", client.readReplyText());
            assertArrayEquals(bulk(v, 1, v.length - 2), client.readReply());
        }
    }

    @Test
    void aSkippedLargeReplyIsTakenBack() {
        client.callBytes(bytes("SET"), bytes("big"), MB);
        client.sendText("CLIENT REPLY SKIP\r\nGET big\r\nPING\r\n");
        assertEquals("+PONG\r\n", client.readReplyText());
        client.sendText("CLIENT REPLY OFF\r\nGET big\r\nCLIENT REPLY ON\r\n");
        assertEquals("+OK\r\n", client.readReplyText());
        assertArrayEquals(bulk(MB, 0, MB.length), client.callBytes(bytes("GET"), bytes("big")));
    }

    private static byte[] bulk(byte[] v, int from, int length) {
        byte[] header = ("$" + length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[header.length + length + 2];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(v, from, out, header.length, length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }
}
