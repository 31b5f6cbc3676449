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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GET, SET and INCR through the dispatcher (lookup, checks, statistics, the command body, the reply), without the
 * network: what one command costs the executor thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBenchmark {
    private Engine engine;
    private Client client;
    private ByteBuf out;
    private byte[][] get;
    private byte[][] set;
    private byte[][] incr;

    /** A connection that goes nowhere: the benchmark drops replies after each command. */
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

    private static byte[][] args(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    @Setup
    public void setup() {
        Config config = new Config();
        engine = new Engine(config, new ServerClock(), new Log(config, true));
        out = PooledByteBufAllocator.DEFAULT.directBuffer(1 << 16);
        client = engine.newClient(new NoConnection(), new ReplyWriter(out));
        get = args("GET", "key:000000000042");
        set = args("SET", "key:000000000042", "xxx");
        incr = args("INCR", "counter");
        run(set);
    }

    @TearDown
    public void tearDown() {
        out.release();
    }

    private int run(byte[][] argv) {
        out.clear();
        client.argv = argv;
        client.argc = argv.length;
        engine.dispatcher().execute(client);
        return out.writerIndex();
    }

    @Benchmark
    public int getExisting() {
        return run(get);
    }

    @Benchmark
    public int setOverwrite() {
        return run(set);
    }

    @Benchmark
    public int incrCounter() {
        return run(incr);
    }
}
