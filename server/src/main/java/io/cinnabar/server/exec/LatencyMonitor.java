package io.cinnabar.server.exec;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latency monitor (latency.c): per event, the latest and maximum latency and a history of up to 160 samples,
 * one per second, recorded when an event took at least {@code latency-monitor-threshold} milliseconds.
 * Not thread-safe: executor thread only.
 */
public final class LatencyMonitor {
    static final int HISTORY_LEN = 160;

    /** A second's worst latency. */
    public record Sample(long timeSeconds, long millis) {
    }

    /** One event's series. */
    public static final class Series {
        public final ArrayDeque<Sample> samples = new ArrayDeque<>();
        public long max;

        public Sample latest() {
            return samples.peekLast();
        }
    }

    private final Map<String, Series> events = new TreeMap<>();

    /** Records {@code millis} for {@code event} if the threshold is on and reached. */
    public void record(String event, long millis, long threshold, long nowMillis) {
        if (threshold <= 0 || millis < threshold) {
            return;
        }
        Series s = events.computeIfAbsent(event, e -> new Series());
        long second = nowMillis / 1000;
        Sample last = s.samples.peekLast();
        if (last != null && last.timeSeconds() == second) {
            s.samples.removeLast();
            s.samples.addLast(new Sample(second, Math.max(last.millis(), millis)));
        } else {
            s.samples.addLast(new Sample(second, millis));
            if (s.samples.size() > HISTORY_LEN) {
                s.samples.removeFirst();
            }
        }
        s.max = Math.max(s.max, millis);
    }

    public Map<String, Series> events() {
        return events;
    }

    /** Resets the named events, or all when none are named; returns how many were reset. */
    public int reset(java.util.List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String name : names) {
            if (events.remove(name) != null) {
                n++;
            }
        }
        return n;
    }
}
