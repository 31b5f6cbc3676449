package io.cinnabar.server.exec;

/**
 * A command's latency distribution for INFO latencystats, laid out exactly as the HdrHistogram Redis 7.0 keeps per
 * command ({@code hdr_init(1, 1_000_000_000, 2)}: values in nanoseconds from 1 ns to 1 s, two significant digits),
 * so that a percentile reads back the same bucket bound Redis prints: 10 us lands in [9984, 10047] and reads as
 * {@code 10.047}. Buckets are log-linear: 23 power-of-two ranges of 128 linear sub-buckets (24 KiB of counts,
 * allocated on the first record). Recording allocates nothing. Not thread-safe: executor thread only.
 */
public final class LatencyHistogram {
    /** LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE in server.h: values are clamped into [1 ns, 1 s]. */
    static final long MIN_VALUE = 1;
    static final long MAX_VALUE = 1_000_000_000L;
    /** hdr_calculate_bucket_config for 2 significant digits: 2 * 10^2 rounded up to a power of two. */
    private static final int SUB_BUCKET_COUNT = 256;
    private static final int SUB_BUCKET_HALF_COUNT = 128;
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
    private static final long SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
    /** Buckets needed to reach MAX_VALUE: 256 << 22 > 10^9. */
    private static final int BUCKET_COUNT = 23;
    private static final int COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

    private long[] counts;
    private long totalCount;

    /** Records one command's duration. */
    public void record(long nanos) {
        long value = nanos < MIN_VALUE ? MIN_VALUE : Math.min(nanos, MAX_VALUE);
        if (counts == null) {
            counts = new long[COUNTS_LEN];
        }
        counts[countsIndex(value)]++;
        totalCount++;
    }

    public long totalCount() {
        return totalCount;
    }

    private static int bucketIndex(long value) {
        // pow2ceiling of the value or'ed with the sub-bucket mask, less the sub-bucket magnitude (unit magnitude 0)
        return 63 - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK) - SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    }

    private static int countsIndex(long value) {
        int bucket = bucketIndex(value);
        int subBucket = (int) (value >>> bucket);
        int bucketBase = (bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
        return bucketBase + subBucket - SUB_BUCKET_HALF_COUNT;
    }

    private static long valueAtIndex(int index) {
        int bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        int subBucket = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucket < 0) {
            subBucket -= SUB_BUCKET_HALF_COUNT;
            bucket = 0;
        }
        return (long) subBucket << bucket;
    }

    private static long highestEquivalentValue(long value) {
        int bucket = bucketIndex(value);
        int subBucket = (int) (value >>> bucket);
        long lowest = (long) subBucket << bucket;
        long range = 1L << (subBucket >= SUB_BUCKET_COUNT ? bucket + 1 : bucket);
        return lowest + range - 1;
    }

    /** hdr_value_at_percentile: the highest value equivalent to the one at {@code percentile}, in nanoseconds. */
    public long valueAtPercentile(double percentile) {
        if (counts == null) {
            return 0;
        }
        double requested = Math.min(percentile, 100.0);
        long countAtPercentile = (long) (requested / 100 * totalCount + 0.5);
        countAtPercentile = Math.max(countAtPercentile, 1);
        long running = 0;
        for (int i = 0; i < COUNTS_LEN; i++) {
            running += counts[i];
            if (running >= countAtPercentile) {
                return highestEquivalentValue(valueAtIndex(i));
            }
        }
        return 0;
    }
}
