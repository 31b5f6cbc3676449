package io.cinnabar.bench;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Config;
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
 * The rate limiter as one EVALSHA (sandbox entry, hand-off to the script thread, INCR and EXPIRE through
 * redis.call, reply conversion) beside the same work as plain INCR + EXPIRE commands through the dispatcher.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScriptBenchmark {
    private static final String RATE_LIMITER = "local current = redis.call('INCR', KEYS[1]) "
            + "if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end "
            + "if current > tonumber(ARGV[1]) then return 0 end return 1";
    private Engine engine;
    private Client client;
    private ByteBuf out;
    private byte[][] evalsha;
    private byte[][] incr;
    private byte[][] expire;

    private static byte[][] args(String... a) {
        byte[][] r = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].getBytes(StandardCharsets.US_ASCII);
        }
        return r;
    }

    @Setup
    public void setup() throws Exception {
        Config config = new Config();
        engine = new Engine(config, new ServerClock(), new Log(config, true));
        out = PooledByteBufAllocator.DEFAULT.directBuffer(1 << 16);
        client = engine.newClient(new DispatchBenchmark.NoConnection(), new ReplyWriter(out));
        String sha = engine.scripts().load(RATE_LIMITER.getBytes(StandardCharsets.US_ASCII));
        evalsha = args("EVALSHA", sha, "1", "rate:bench", "1000000000", "60");
        incr = args("INCR", "rate:plain");
        expire = args("EXPIRE", "rate:plain", "60");
    }

    @TearDown
    public void tearDown() {
        engine.close();
        out.release();
    }

    private void run(byte[][] argv) {
        out.clear();
        client.argv = argv;
        client.argc = argv.length;
        engine.dispatcher().execute(client);
    }

    @Benchmark
    public int evalshaRateLimiter() {
        run(evalsha);
        return out.writerIndex();
    }

    @Benchmark
    public int plainIncrAndExpire() {
        run(incr);
        run(expire);
        return out.writerIndex();
    }
}
