package io.cinnabar.bench;

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
    private BenchServer server;
    private byte[][] evalsha;
    private final byte[][] incr = BenchServer.args("INCR", "rate:plain");
    private final byte[][] expire = BenchServer.args("EXPIRE", "rate:plain", "60");

    @Setup
    public void setup() throws Exception {
        server = new BenchServer();
        String sha = server.engine.scripts().eval().load(RATE_LIMITER.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        evalsha = BenchServer.args("EVALSHA", sha, "1", "rate:bench", "1000000000", "60");
    }

    @TearDown
    public void tearDown() {
        server.close();
    }

    @Benchmark
    public int evalshaRateLimiter() {
        return server.run(evalsha);
    }

    @Benchmark
    public int plainIncrAndExpire() {
        server.run(incr);
        return server.run(expire);
    }
}
