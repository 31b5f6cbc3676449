package io.cinnabar.server.exec;

import java.util.Map;
import java.util.TreeMap;

/** Server-wide counters for INFO stats and errorstats. Not thread-safe: executor thread only. */
public final class Stats {
    private static final int SAMPLES = 16; // STATS_METRIC_SAMPLES

    public long commandsProcessed;
    public long connectionsReceived;
    public long rejectedConnections;
    public long netInputBytes;
    public long netOutputBytes;
    public long readsProcessed;
    /** Socket writes (flushes that sent bytes), Redis's stat_total_writes_processed. */
    public long writesProcessed;
    public long errorReplies;
    /**
     * Error replies per code ("ERR", "WRONGTYPE"), sorted as the rax Redis keeps them in, without a limit on the
     * number of codes (7.0 has none; 7.2 added one).
     */
    public final Map<String, long[]> errorsByCode = new TreeMap<>();
    public long peakMemory;
    /** Reply buffers grown or shrunk by the per-client cron (clientsCronResizeOutputBuffer). */
    public long replyBufferShrinks;
    public long replyBufferExpands;
    /** Time spent in the active expire cycle (expire_cycle_cpu_milliseconds). */
    public long expireCycleNanos;

    /** CLIENTS_PEAK_MEM_USAGE_SLOTS: per-second peaks of client input and output buffers, over 8 seconds. */
    private static final int PEAK_SLOTS = 8;
    private final long[] peakInput = new long[PEAK_SLOTS];
    private final long[] peakOutput = new long[PEAK_SLOTS];

    private final long[][] samples = new long[3][SAMPLES];
    private final long[] lastValue = new long[3];
    private long lastSampleMillis;
    private int sampleIndex;

    /** Synchronized: a long script's thread and the executor answering BUSY may both count errors. */
    public synchronized void countError(String code) {
        errorReplies++;
        long[] n = errorsByCode.get(code);
        if (n == null) {
            errorsByCode.put(code, n = new long[1]);
        }
        n[0]++;
    }

    /** Counts an error reply by its text (without the leading '-'), as afterErrorReply does. */
    public void countErrorMessage(String message) {
        countError(errorCode(message));
    }

    /**
     * The errorstats key of an error text: its first word when a space comes within Redis's 32-byte window
     * ("-" included, so a code of at most 30 characters), else "ERR".
     */
    public static String errorCode(String message) {
        int space = message.indexOf(' ');
        return space < 0 || space > 30 ? "ERR" : message.substring(0, space);
    }

    /** clientsCronTrackExpansiveClients: one client's input and output buffer usage in this second's slot. */
    public void trackClientBuffers(long nowMillis, long input, long output) {
        int slot = (int) ((nowMillis / 1000) % PEAK_SLOTS);
        if (input > peakInput[slot]) {
            peakInput[slot] = input;
        }
        if (output > peakOutput[slot]) {
            peakOutput[slot] = output;
        }
    }

    /** Clears the slot that the next second will use (clientsCron zeroes it ahead). */
    public void clearNextPeakSlot(long nowMillis) {
        int next = (int) ((nowMillis / 1000 + 1) % PEAK_SLOTS);
        peakInput[next] = 0;
        peakOutput[next] = 0;
    }

    /** client_recent_max_input_buffer / client_recent_max_output_buffer. */
    public long recentMaxInputBuffer() {
        return max(peakInput);
    }

    public long recentMaxOutputBuffer() {
        return max(peakOutput);
    }

    private static long max(long[] values) {
        long m = 0;
        for (long v : values) {
            m = Math.max(m, v);
        }
        return m;
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
        writesProcessed = 0;
        errorReplies = 0;
        replyBufferShrinks = 0;
        replyBufferExpands = 0;
        expireCycleNanos = 0;
        errorsByCode.clear();
        for (long[] s : samples) {
            java.util.Arrays.fill(s, 0);
        }
    }
}
