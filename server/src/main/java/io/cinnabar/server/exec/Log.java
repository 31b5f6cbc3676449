package io.cinnabar.server.exec;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The server log in Redis's format ({@code pid:M 25 Nov 2026 22:02:44.480 * message}), to stdout or
 * {@code logfile}, filtered by {@code loglevel}. Thread-safe.
 */
public final class Log {
    /** In a holder so that a quiet embedded server never loads java.time's formatting (startup time). */
    private static final class Time {
        static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());
    }
    private static final String[] LEVELS = {"debug", "verbose", "notice", "warning"};
    private static final char[] MARKS = {'.', '-', '*', '#'};
    public static final int DEBUG = 0;
    public static final int VERBOSE = 1;
    public static final int NOTICE = 2;
    public static final int WARNING = 3;

    private final Config config;
    private final boolean quiet;
    private PrintStream out;

    /** A quiet log writes nothing unless a logfile is configured (the embedded default). */
    public Log(Config config, boolean quiet) {
        this.config = config;
        this.quiet = quiet;
    }

    public void log(int level, String message) {
        int threshold = java.util.Arrays.asList(LEVELS).indexOf(config.loglevel());
        if (level < threshold) {
            return;
        }
        PrintStream target = stream();
        if (target == null) {
            return;
        }
        String line = ProcessHandle.current().pid() + ":M " + Time.FORMAT.format(java.time.Instant.now()) + " "
                + MARKS[level] + " " + message;
        synchronized (this) {
            target.println(line);
            target.flush();
        }
    }

    public void notice(String message) {
        log(NOTICE, message);
    }

    public void warning(String message) {
        log(WARNING, message);
    }

    private synchronized PrintStream stream() {
        if (out != null) {
            return out;
        }
        String file = config.logfile();
        if (file.isEmpty()) {
            out = quiet ? null : System.out;
        } else {
            try {
                out = new PrintStream(new FileOutputStream(java.nio.file.Path.of(config.dir()).resolve(file).toFile(), true), true, StandardCharsets.UTF_8);
            } catch (IOException e) {
                out = System.err;
            }
        }
        return out;
    }
}
