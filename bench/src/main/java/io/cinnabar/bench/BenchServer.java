package io.cinnabar.bench;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.Connection;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.exec.Log;
import io.cinnabar.server.exec.ServerClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** An engine and one client with no network, for benchmarks that drive the dispatcher directly. */
final class BenchServer {
    final Engine engine;
    final Client client;
    final ByteBuf out;

    /** A connection that goes nowhere: benchmarks drop replies after each command. */
    static final class NoConnection implements Connection {
        public void flushSoon() { }
        public void closeAfterReply() { }
        public void close() { }
        public String remoteAddress() { return "127.0.0.1:1"; }
        public String localAddress() { return "127.0.0.1:6379"; }
        public boolean isLocal() { return true; }
        public void resume() { }
        public void continueInput() { }
        public int queryBufferBytes() { return 0; }
        public int outputBufferBytes() { return 0; }
        public int fd() { return -1; }
    }

    BenchServer() {
        Config config = new Config();
        engine = new Engine(config, new ServerClock(), new Log(config, true));
        out = PooledByteBufAllocator.DEFAULT.directBuffer(1 << 16);
        client = engine.newClient(new NoConnection(), new ReplyWriter(out));
    }

    static byte[][] args(String... a) {
        byte[][] r = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].getBytes(StandardCharsets.US_ASCII);
        }
        return r;
    }

    /** Runs one command; returns the reply's length. */
    int run(byte[][] argv) {
        out.clear();
        client.argv = argv;
        client.argc = argv.length;
        engine.dispatcher().execute(client);
        return out.writerIndex();
    }

    /** Fails the set-up unless OBJECT ENCODING of {@code key} is {@code encoding}. */
    static void expectEncoding(BenchServer server, String key, String encoding) {
        server.run(args("OBJECT", "ENCODING", key));
        String reply = server.out.toString(StandardCharsets.US_ASCII);
        String expected = "$" + encoding.length() + "\r\n" + encoding + "\r\n";
        if (!reply.equals(expected)) {
            throw new IllegalStateException(key + " is not " + encoding + ": " + reply);
        }
    }

    void close() {
        engine.close();
        out.release();
    }
}
