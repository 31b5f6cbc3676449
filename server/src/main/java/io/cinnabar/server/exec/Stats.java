package io.cinnabar.server.exec;

import java.util.LinkedHashMap;
import java.util.Map;

/** Server-wide counters for INFO stats and errorstats. Not thread-safe: executor thread only. */
public final class Stats {
    private static final int SAMPLES = 16; // STATS_METRIC_SAMPLES

    public long commandsProcessed;
    public long connectionsReceived;
    public long rejectedConnections;
    public long netInputBytes;
    public long netOutputBytes;
    public long readsProcessed;
    public long errorReplies;
    /** Error replies per code ("ERR", "WRONGTYPE"), in first-seen order, as INFO errorstats lists them. */
    public final Map<String, long[]> errorsByCode = new LinkedHashMap<>();
    public long peakMemory;

    private final long[][] samples = new long[3][SAMPLES];
    private final long[] lastValue = new long[3];
    private long lastSampleMillis;
    private int sampleIndex;

    /** Synchronized: a long script's thread and the executor answering BUSY may both count errors. */
    public synchronized void countError(String code) {
        errorReplies++;
        if (errorsByCode.size() >= 128 && !errorsByCode.containsKey(code)) {
            code = "ERRORSTATS_DISABLED"; // Redis stops tracking new codes past 128 as well
        }
        errorsByCode.computeIfAbsent(code, k -> new long[1])[0]++;
    }

    /** Records per-second rates once per tick, as trackInstantaneousMetric. */
    void sample(long nowMillis) {
        long[] current = {commandsProcessed, netInputBytes, netOutputBytes};
        long elapsed = nowMillis - lastSampleMillis;
        if (lastSampleMillis != 0 && elapsed > 0) {
            for (int i = 0; i < 3; i++) {
                samples[i][sampleIndex] = (current[i] - lastValue[i]) * 1000 / elapsed;
            }
            sampleIndex = (sampleIndex + 1) % SAMPLES;
        }
        System.arraycopy(current, 0, lastValue, 0, 3);
        lastSampleMillis = nowMillis;
    }

    private long average(int metric) {
        long sum = 0;
        for (long v : samples[metric]) {
            sum += v;
        }
        return sum / SAMPLES;
    }

    public long instantaneousOps() {
        return average(0);
    }

    public double instantaneousInputKbps() {
        return average(1) / 1024.0;
    }

    public double instantaneousOutputKbps() {
        return average(2) / 1024.0;
    }

    public void reset() {
        commandsProcessed = 0;
        connectionsReceived = 0;
        rejectedConnections = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        readsProcessed = 0;
        errorReplies = 0;
        errorsByCode.clear();
        for (long[] s : samples) {
            java.util.Arrays.fill(s, 0);
        }
    }
}
