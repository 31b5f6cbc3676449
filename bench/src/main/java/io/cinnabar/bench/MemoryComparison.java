package io.cinnabar.bench;

import io.cinnabar.server.CinnabarServer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loads the same data into an embedded Cinnabar and into a real redis-server, and compares what it costs: for
 * Cinnabar the heap in use after a full GC once loaded, less that after a FLUSHALL; for Redis the growth of its
 * resident set (used_memory_rss) and of used_memory. Each data set gets fresh servers. Run with
 * bench/memory-compare.sh (needs redis-server on PATH); arguments: a divisor of the sizes, and a part of the data
 * set names to run only those. Prints one table row per data set. Replies are one line, or a bulk string (XADD).
 */
public final class MemoryComparison {
    private MemoryComparison() {
    }

    /** A data set: its name and the commands that load it, produced on demand. */
    private interface Loader {
        void load(Pipeline p) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int scale = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        only = args.length > 1 ? args[1] : null;
        int million = 1_000_000 / scale;
        System.out.printf("%-28s %14s %14s %14s %8s%n", "data set", "redis rss", "redis used", "cinnabar heap",
                "ratio");
        row("1M small strings", p -> {
            for (int i = 0; i < million; i++) {
                p.send("SET", "key:" + i, "value:" + i);
            }
        });
        row("100k hashes of 10 fields", p -> {
            for (int i = 0; i < million / 10; i++) {
                List<String> a = new ArrayList<>();
                a.add("HSET");
                a.add("h:" + i);
                for (int f = 0; f < 10; f++) {
                    a.add("field" + f);
                    a.add("value" + f);
                }
                p.send(a.toArray(new String[0]));
            }
        });
        row("1M fields in one hash", p -> {
            for (int i = 0; i < million; i++) {
                p.send("HSET", "big", "field:" + i, "value:" + i);
            }
        });
        row("1M members in one set", p -> {
            for (int i = 0; i < million; i++) {
                p.send("SADD", "set", "member:" + i);
            }
        });
        row("1M members in one sorted set", p -> {
            for (int i = 0; i < million; i++) {
                p.send("ZADD", "zset", Integer.toString(i), "member:" + i);
            }
        });
        row("1M elements in one list", p -> {
            for (int i = 0; i < million; i++) {
                p.send("RPUSH", "list", "element:" + i);
            }
        });
        row("1M stream entries, 2 fields", p -> {
            for (int i = 0; i < million; i++) {
                p.send("XADD", "stream", "*", "field1", "value:" + i, "field2", Integer.toString(i));
            }
        });
        row("1M elements, compress depth 1", p -> {
            p.send("CONFIG", "SET", "list-compress-depth", "1");
            for (int i = 0; i < million; i++) {
                p.send("RPUSH", "list", "element:" + i);
            }
        });
    }

    /** The second argument, when given, keeps only the data sets whose name contains it. */
    private static String only;

    private static void row(String name, Loader loader) throws Exception {
        if (only != null && !name.contains(only)) {
            return;
        }
        long[] redis = redis(loader);
        long cinnabar = cinnabar(loader);
        System.out.printf("%-28s %14d %14d %14d %7.2fx%n", name, redis[0], redis[1], cinnabar,
                (double) cinnabar / redis[0]);
    }

    private static long cinnabar(Loader loader) throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
                Pipeline p = new Pipeline(server.port())) {
            loader.load(p);
            p.sync();
            long loaded = heapAfterGc();
            p.send("FLUSHALL", "SYNC");
            p.sync();
            // measured within one server's life: a heap reading taken before the load also counted what the
            // previous data set's server still held while it shut down, and understated the growth by up to 10 MB
            return loaded - heapAfterGc();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** {rss growth, used_memory growth} of a fresh redis-server. */
    private static long[] redis(Loader loader) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(20);
                }
            }
            try (Pipeline p = new Pipeline(port)) {
                long rss = p.info("used_memory_rss");
                long used = p.info("used_memory");
                loader.load(p);
                p.sync();
                return new long[] {p.info("used_memory_rss") - rss, p.info("used_memory") - used};
            }
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Sends commands in batches and reads their one-line replies. Not thread-safe. */
    private static final class Pipeline implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private int unread;

        Pipeline(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        }

        void send(String... args) throws IOException {
            StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
            for (String a : args) {
                sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            if (++unread == 1000) {
                sync();
            }
        }

        void sync() throws IOException {
            out.flush();
            for (; unread > 0; unread--) {
                int first = in.read();
                StringBuilder line = new StringBuilder();
                int b;
                while ((b = in.read()) != '\n') {
                    if (b < 0) {
                        throw new IOException("connection closed");
                    }
                    line.append((char) b);
                }
                if (first == '$') { // a bulk reply (XADD's ID): its data line too
                    int length = Integer.parseInt(line.toString().trim());
                    if (length >= 0) {
                        in.readNBytes(length + 2);
                    }
                }
            }
        }

        long info(String field) throws IOException {
            sync();
            out.write("*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder header = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                header.append((char) b);
            }
            int length = Integer.parseInt(header.substring(1).trim());
            byte[] body = in.readNBytes(length + 2);
            for (String line : new String(body, StandardCharsets.US_ASCII).split("\r\n")) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim());
                }
            }
            throw new IOException("no " + field + " in INFO memory");
        }

        @Override
        public void close() throws IOException {
            sync();
            socket.close();
        }
    }
}
