package io.cinnabar.bench;

import io.cinnabar.server.types.Listpack;
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

/**
 * A small hash's listpack as Redis keeps it below hash-max-listpack-entries (128 entries = 64 field/value pairs):
 * building it by appends, reading entries by index, and looking fields up with find(skip 1) as HGET does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ListpackBenchmark {
    private static final int PAIRS = 64;
    private static final int ENTRIES = PAIRS * 2;
    private final byte[][] fields = new byte[PAIRS][];
    private final byte[][] values = new byte[PAIRS][];
    private final byte[] missing = "field:absent".getBytes(StandardCharsets.US_ASCII);
    private Listpack hash;
    private Listpack scratch;

    @Setup
    public void setup() {
        hash = new Listpack();
        for (int i = 0; i < PAIRS; i++) {
            fields[i] = ("field:" + i).getBytes(StandardCharsets.US_ASCII);
            // half the values are integers (stored as integer entries), half short strings
            values[i] = (i % 2 == 0 ? Integer.toString(i * 1000) : "value-" + i).getBytes(StandardCharsets.US_ASCII);
            hash.append(fields[i]);
            hash.append(values[i]);
        }
        scratch = new Listpack(hash.bytes());
    }

    /** 128 appends into a listpack that already has the room (cleared between rounds). */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public int append() {
        Listpack lp = scratch;
        lp.clear();
        for (int i = 0; i < PAIRS; i++) {
            lp.append(fields[i]);
            lp.append(values[i]);
        }
        return lp.bytes();
    }

    /** Seek to every index in turn (walking from the nearer end) and read the entry without copying. */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void seekAndRead(Blackhole bh) {
        Listpack lp = hash;
        for (int i = 0; i < ENTRIES; i++) {
            int p = lp.seek(i);
            if (lp.isInteger(p)) {
                bh.consume(lp.integerAt(p));
            } else {
                bh.consume(lp.stringOffset(p) + lp.stringLength(p));
            }
        }
    }

    /** HGET's lookup of every field in turn (average position: the middle), then one miss. */
    @Benchmark
    @OperationsPerInvocation(PAIRS + 1)
    public void findField(Blackhole bh) {
        Listpack lp = hash;
        int first = lp.first();
        for (int i = 0; i < PAIRS; i++) {
            byte[] f = fields[i];
            bh.consume(lp.find(first, f, 0, f.length, 1));
        }
        bh.consume(lp.find(first, missing, 0, missing.length, 1));
    }
}
