package io.cinnabar.bench;

import io.cinnabar.server.types.IntSet;
import io.cinnabar.server.types.SkipList;
import io.cinnabar.server.types.SortedSetIndex;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sorted structures of the collections: building a 1M-member skiplist (alone and with its member map, as ZADD
 * does), rank lookups and rank access in it, and a 512-entry intset (the default set-max-intset-entries) filled and
 * searched. Members are unique random-looking 18-byte keys, scores random doubles, so every insert lands at a random spot.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SortedStructuresBenchmark {
    static final int MEMBERS = 1_000_000;
    static final int INTSET_ENTRIES = 512;
    /** Lookups per invocation, so the loop and the index arithmetic are amortised. */
    static final int LOOKUPS = 1024;

    /**
     * The 1M members and the list built from them. A state of its own so the intset benchmarks do not carry a
     * 1M-node live set: that made their young collections and the first iterations several times slower.
     */
    @State(Scope.Thread)
    public static class Sorted {
        byte[][] members;
        double[] scores;
        /** Built once; the read benchmarks query it. */
        SkipList list;
        int cursor;

        @Setup(Level.Trial)
        public void setup() {
            SplittableRandom r = new SplittableRandom(42);
            members = new byte[MEMBERS][];
            scores = new double[MEMBERS];
            for (int i = 0; i < MEMBERS; i++) {
                // a bijective mix of i: random-looking and unique, as the members of a set are
                members[i] = String.format("m:%016x", i * 0x9E3779B97F4A7C15L).getBytes(StandardCharsets.US_ASCII);
                scores[i] = r.nextDouble() * 1000;
            }
            list = new SkipList(new SplittableRandom(1));
            for (int i = 0; i < MEMBERS; i++) {
                list.insert(members[i], scores[i]);
            }
        }
    }

    /** A 512-entry intset of 32-bit values (the common encoding for IDs) and probes, half of them members. */
    @State(Scope.Thread)
    public static class Ints {
        long[] values;
        IntSet set;
        long[] probes;

        @Setup(Level.Trial)
        public void setup() {
            SplittableRandom r = new SplittableRandom(43);
            values = new long[INTSET_ENTRIES];
            set = new IntSet();
            for (int i = 0; i < INTSET_ENTRIES; i++) {
                values[i] = r.nextInt(1_000_000_000);
                set.add(values[i]);
            }
            probes = new long[LOOKUPS];
            for (int i = 0; i < LOOKUPS; i++) {
                probes[i] = (i & 1) == 0 ? values[r.nextInt(INTSET_ENTRIES)] : r.nextInt(1_000_000_000);
            }
        }
    }

    /** Builds a fresh 1M skiplist per invocation: ops/µs is inserts per µs averaged over the growth. */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public SkipList skipListInsert1M(Sorted st) {
        SkipList l = new SkipList(new SplittableRandom(7));
        byte[][] m = st.members;
        double[] s = st.scores;
        for (int i = 0; i < MEMBERS; i++) {
            l.insert(m[i], s[i]);
        }
        return l;
    }

    /** As above through SortedSetIndex (skiplist plus member map), i.e. what ZADD of a new member costs. */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public SortedSetIndex sortedSetAdd1M(Sorted st) {
        SortedSetIndex z = new SortedSetIndex(new SplittableRandom(7));
        byte[][] m = st.members;
        double[] s = st.scores;
        for (int i = 0; i < MEMBERS; i++) {
            z.add(m[i], s[i]);
        }
        return z;
    }

    /** ZRANK's walk in a 1M list (score known, as after the map lookup). */
    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public long skipListRank(Sorted st) {
        long sum = 0;
        int c = st.cursor;
        for (int i = 0; i < LOOKUPS; i++) {
            c = c + 7919 < MEMBERS ? c + 7919 : c + 7919 - MEMBERS;
            sum += st.list.rank(st.members[c], st.scores[c]);
        }
        st.cursor = c;
        return sum;
    }

    /** ZRANGE's start: the node at a rank in a 1M list. */
    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public double skipListByRank(Sorted st) {
        double sum = 0;
        int c = st.cursor;
        for (int i = 0; i < LOOKUPS; i++) {
            c = c + 7919 < MEMBERS ? c + 7919 : c + 7919 - MEMBERS;
            sum += st.list.byRank(c).score();
        }
        st.cursor = c;
        return sum;
    }

    /** SADD of 512 random 32-bit integers into an empty set (an exact-size array copied per add). */
    @Benchmark
    @OperationsPerInvocation(INTSET_ENTRIES)
    public IntSet intSetAdd512(Ints st) {
        IntSet s = new IntSet();
        long[] v = st.values;
        for (int i = 0; i < INTSET_ENTRIES; i++) {
            s.add(v[i]);
        }
        return s;
    }

    /** SISMEMBER on a 512-entry intset, half hits. */
    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public int intSetContains512(Ints st) {
        int hits = 0;
        long[] p = st.probes;
        for (int i = 0; i < LOOKUPS; i++) {
            if (st.set.contains(p[i])) {
                hits++;
            }
        }
        return hits;
    }
}
