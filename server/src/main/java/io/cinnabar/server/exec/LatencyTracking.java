package io.cinnabar.server.exec;

import java.util.Arrays;

/**
 * The {@code latency-tracking} and {@code latency-tracking-info-percentiles} settings, read through the Config
 * API by name (defaults {@code yes} and {@code 50 99 99.9}).
 * Not thread-safe: executor thread only.
 */
public final class LatencyTracking {
    private static final double[] DEFAULT_PERCENTILES = {50, 99, 99.9};

    private final ConfigParam enabled;
    private final ConfigParam percentiles;
    private String parsedFrom;
    private double[] parsed = DEFAULT_PERCENTILES;

    public LatencyTracking(Config config) {
        this.enabled = config.find("latency-tracking");
        this.percentiles = config.find("latency-tracking-info-percentiles");
    }

    /** Whether commands feed their latency histograms (read per command: no allocation). */
    public boolean enabled() {
        return enabled == null || "yes".equals(enabled.get());
    }

    /** The percentiles INFO latencystats prints, in the configured order. */
    public double[] percentiles() {
        if (percentiles == null) {
            return DEFAULT_PERCENTILES;
        }
        String value = percentiles.get();
        if (!value.equals(parsedFrom)) {
            String trimmed = value.trim();
            parsed = trimmed.isEmpty() ? new double[0]
                    : Arrays.stream(trimmed.split("\\s+")).mapToDouble(Double::parseDouble).toArray();
            parsedFrom = value;
        }
        return parsed;
    }
}
