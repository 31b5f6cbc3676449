package io.cinnabar.server.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    private static long single(long nanos) {
        LatencyHistogram h = new LatencyHistogram();
        h.record(nanos);
        return h.valueAtPercentile(50);
    }

    @Test
    void readsBackTheBucketBoundsRedisPrints() {
        // INFO latencystats of Redis 7.0.15 after one SET of 10 us, GET of 7 us, PING of 15 us
        assertEquals(10_047, single(10_000));
        assertEquals(7_007, single(7_000));
        assertEquals(15_039, single(15_000));
        // the first 256 values are exact
        assertEquals(1, single(0)); // clamped to LATENCY_HISTOGRAM_MIN_VALUE
        assertEquals(255, single(255));
        assertEquals(257, single(256));
        // clamped to one second: its bucket's highest value
        assertEquals(1_002_438_655, single(5_000_000_000L));
    }

    @Test
    void percentilesWalkTheCounts() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 100; i++) {
            h.record(i * 1000L);
        }
        assertEquals(100, h.totalCount());
        assertEquals(50_175, h.valueAtPercentile(50)); // 50 us in [49920, 50175]
        assertEquals(99_327, h.valueAtPercentile(99));
        assertEquals(100_351, h.valueAtPercentile(99.9));
        assertEquals(100_351, h.valueAtPercentile(100));
        assertEquals(0, new LatencyHistogram().valueAtPercentile(50));
    }
}
