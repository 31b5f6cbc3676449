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
    private BenchServer server;
    private final byte[][] get = BenchServer.args("GET", "key:000000000042");
    private final byte[][] set = BenchServer.args("SET", "key:000000000042", "xxx");
    private final byte[][] incr = BenchServer.args("INCR", "counter");

    @Setup
    public void setup() {
        server = new BenchServer();
        server.run(set);
    }

    @TearDown
    public void tearDown() {
        server.close();
    }

    @Benchmark
    public int getExisting() {
        return server.run(get);
    }

    @Benchmark
    public int setOverwrite() {
        return server.run(set);
    }

    @Benchmark
    public int incrCounter() {
        return server.run(incr);
    }
}
