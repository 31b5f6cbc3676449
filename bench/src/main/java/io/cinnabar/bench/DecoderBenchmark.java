package io.cinnabar.bench;

import io.cinnabar.protocol.ProtocolException;
import io.cinnabar.protocol.RequestDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Decoding a pipeline of 16 SET requests (redis-benchmark's shape) from one buffer. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecoderBenchmark {
    private static final int PIPELINE = 16;
    private ByteBuf pipeline;
    private final RequestDecoder decoder = new RequestDecoder();

    @Setup
    public void setup() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < PIPELINE; i++) {
            sb.append("*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$3\r\nxxx\r\n");
        }
        pipeline = Unpooled.directBuffer().writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public void decodePipeline(Blackhole bh) throws ProtocolException {
        pipeline.readerIndex(0);
        while (decoder.decode(pipeline)) {
            bh.consume(decoder.argv()[1]);
        }
    }
}
