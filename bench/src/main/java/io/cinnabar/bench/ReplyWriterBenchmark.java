package io.cinnabar.bench;

import io.cinnabar.protocol.reply.ReplyWriter;
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

/** Writing common replies straight into a pooled direct buffer. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplyWriterBenchmark {
    private ByteBuf buf;
    private ReplyWriter writer;
    private final byte[] value = "some value of 24 bytes..".getBytes(StandardCharsets.US_ASCII);

    @Setup
    public void setup() {
        buf = PooledByteBufAllocator.DEFAULT.directBuffer(1 << 16);
        writer = new ReplyWriter(buf);
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public int bulkString() {
        buf.clear();
        writer.bulk(value);
        return buf.writerIndex();
    }

    @Benchmark
    public int integer() {
        buf.clear();
        writer.integer(1234567);
        return buf.writerIndex();
    }

    @Benchmark
    public int okStatus() {
        buf.clear();
        writer.ok();
        return buf.writerIndex();
    }

    @Benchmark
    public int arrayOfTenBulks() {
        buf.clear();
        writer.array(10);
        for (int i = 0; i < 10; i++) {
            writer.bulk(value);
        }
        return buf.writerIndex();
    }
}
