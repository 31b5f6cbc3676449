package io.cinnabar.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The packed encodings end to end through the dispatcher (lookup, checks, statistics, the command, the reply), no
 * network: HSET/HGET on a 64-field listpack hash, SADD+SREM/SISMEMBER on a 256-member intset, ZADD/ZSCORE on a
 * 64-member listpack sorted set, and LPUSH+RPOP/LINDEX on a 100,000-element quicklist, the list with
 * list-compress-depth 0 and 1 (with 1, LINDEX in the middle expands a compressed node each time).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PackedEncodingsBenchmark {
    /** A server holding one small hash, intset and sorted set, each checked to have its packed encoding. */
    @State(Scope.Thread)
    public static class Small {
        BenchServer server;
        final byte[][] hset = BenchServer.args("HSET", "hash", "field:31", "value:x");
        final byte[][] hget = BenchServer.args("HGET", "hash", "field:31");
        final byte[][] sadd = BenchServer.args("SADD", "ints", "1000001");
        final byte[][] srem = BenchServer.args("SREM", "ints", "1000001");
        final byte[][] sismember = BenchServer.args("SISMEMBER", "ints", "1280");
        final byte[][] zadd = BenchServer.args("ZADD", "zset", "31.5", "member:31");
        final byte[][] zscore = BenchServer.args("ZSCORE", "zset", "member:31");

        @Setup(Level.Trial)
        public void setup() {
            server = new BenchServer();
            List<String> hash = new ArrayList<>(List.of("HSET", "hash"));
            List<String> zset = new ArrayList<>(List.of("ZADD", "zset"));
            for (int i = 0; i < 64; i++) {
                hash.add("field:" + i);
                hash.add(i % 2 == 0 ? Integer.toString(i * 1000) : "value:" + i);
                zset.add(Integer.toString(i));
                zset.add("member:" + i);
            }
            List<String> ints = new ArrayList<>(List.of("SADD", "ints"));
            for (int i = 0; i < 256; i++) {
                ints.add(Integer.toString(i * 10));
            }
            server.run(BenchServer.args(hash.toArray(new String[0])));
            server.run(BenchServer.args(zset.toArray(new String[0])));
            server.run(BenchServer.args(ints.toArray(new String[0])));
            BenchServer.expectEncoding(server, "hash", "listpack");
            BenchServer.expectEncoding(server, "zset", "listpack");
            BenchServer.expectEncoding(server, "ints", "intset");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            server.close();
        }
    }

    /** A server holding one long list, created with the given list-compress-depth. */
    @State(Scope.Thread)
    public static class Quicklist {
        static final int ELEMENTS = 100_000;
        @Param({"0", "1"})
        public String compressDepth;
        BenchServer server;
        final byte[][] lpush = BenchServer.args("LPUSH", "list", "element:new");
        final byte[][] rpop = BenchServer.args("RPOP", "list");
        final byte[][] lindex = BenchServer.args("LINDEX", "list", Integer.toString(ELEMENTS / 2));

        @Setup(Level.Trial)
        public void setup() {
            server = new BenchServer();
            server.run(BenchServer.args("CONFIG", "SET", "list-compress-depth", compressDepth));
            List<String> push = new ArrayList<>(List.of("RPUSH", "list"));
            for (int i = 0; i < ELEMENTS; i++) {
                push.add("element:" + i);
                if (push.size() == 1002) {
                    server.run(BenchServer.args(push.toArray(new String[0])));
                    push.subList(2, push.size()).clear();
                }
            }
            BenchServer.expectEncoding(server, "list", "quicklist");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            server.close();
        }
    }

    @Benchmark
    public int hsetListpackHash(Small s) {
        return s.server.run(s.hset);
    }

    @Benchmark
    public int hgetListpackHash(Small s) {
        return s.server.run(s.hget);
    }

    /** Two commands: the member goes in (the intset grows by one) and out again. */
    @Benchmark
    public int saddSremIntset(Small s) {
        return s.server.run(s.sadd) + s.server.run(s.srem);
    }

    @Benchmark
    public int sismemberIntset(Small s) {
        return s.server.run(s.sismember);
    }

    /** A score update that leaves the member where it is in the listpack. */
    @Benchmark
    public int zaddListpackZset(Small s) {
        return s.server.run(s.zadd);
    }

    @Benchmark
    public int zscoreListpackZset(Small s) {
        return s.server.run(s.zscore);
    }

    /** Two commands, so the list keeps its length: one in at the head, one out at the tail. */
    @Benchmark
    public int lpushRpopQuicklist(Quicklist q) {
        return q.server.run(q.lpush) + q.server.run(q.rpop);
    }

    @Benchmark
    public int lindexMiddleQuicklist(Quicklist q) {
        return q.server.run(q.lindex);
    }
}
