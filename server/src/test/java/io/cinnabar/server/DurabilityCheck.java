package io.cinnabar.server;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The durability check of {@code appendfsync always}: the server runs as a separate JVM, clients write and record
 * every write the server acknowledged, the server is killed with SIGKILL in the middle of the load, restarted on
 * the same files, and every acknowledged write must be there. JDK only, so bench/durability.sh runs it with any
 * server class path: {@code java -cp server/target/test-classes io.cinnabar.server.DurabilityCheck <classpath>
 * <runs>}.
 */
public final class DurabilityCheck {
    /** What one run found. */
    public record Run(long acknowledged, long missing, long keysAfterRestart, long killedAfterMillis) {
    }

    private final String classPath;
    private final int clients;

    public DurabilityCheck(String classPath, int clients) {
        this.classPath = classPath;
        this.clients = clients;
    }

    public static void main(String[] args) throws Exception {
        String cp = args.length > 0 ? args[0] : System.getProperty("java.class.path");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        DurabilityCheck check = new DurabilityCheck(cp, 8);
        long acked = 0;
        long missing = 0;
        for (int i = 1; i <= runs; i++) {
            Run r = check.run();
            acked += r.acknowledged;
            missing += r.missing;
            System.out.printf("run %2d: killed after %4d ms, %6d writes acknowledged, %d missing after restart "
                    + "(%d keys loaded)%n", i, r.killedAfterMillis, r.acknowledged, r.missing, r.keysAfterRestart);
        }
        System.out.printf("%d runs: %d acknowledged writes, %d missing%n", runs, acked, missing);
        System.exit(missing == 0 ? 0 : 1);
    }

    /** One run in a fresh directory: load, SIGKILL, restart, check. */
    public Run run() throws Exception {
        Path dir = Files.createTempDirectory("cinnabar-durability");
        try {
            int port = freePort();
            Process server = start(dir, port);
            List<List<Integer>> acked = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong acks = new java.util.concurrent.atomic.AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                List<Integer> mine = new ArrayList<>();
                acked.add(mine);
                int id = t;
                Thread th = new Thread(() -> write(port, id, mine, stop, acks), "durability-client-" + t);
                th.start();
                threads.add(th);
            }
            // the kill comes at a random time after the load is under way (a loaded machine may take a while to
            // answer the first write)
            long firstAckDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acks.get() == 0 && System.nanoTime() < firstAckDeadline) {
                Thread.sleep(1);
            }
            long killAfter = 300 + ThreadLocalRandom.current().nextLong(1700);
            Thread.sleep(killAfter);
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            server.waitFor(10, TimeUnit.SECONDS);
            stop.set(true);
            for (Thread th : threads) {
                th.join(10_000);
            }
            long total = 0;
            for (List<Integer> l : acked) {
                total += l.size();
            }
            Process again = start(dir, port);
            long missing = 0;
            long keys;
            try (Conn c = new Conn(port)) {
                keys = Long.parseLong(c.call("DBSIZE").substring(1).trim());
                for (int t = 0; t < clients; t++) {
                    for (int n : acked.get(t)) {
                        String reply = c.call("GET", "k:" + t + ":" + n);
                        if (!reply.equals("$" + Integer.toString(n).length() + "\r\n" + n + "\r\n")) {
                            missing++;
                        }
                    }
                }
            } finally {
                again.destroyForcibly();
                again.waitFor(10, TimeUnit.SECONDS);
            }
            return new Run(total, missing, keys, killAfter);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void write(int port, int id, List<Integer> acked, AtomicBoolean stop,
                              java.util.concurrent.atomic.AtomicLong acks) {
        try (Conn c = new Conn(port)) {
            for (int n = 0; !stop.get(); n++) {
                String reply = c.call("SET", "k:" + id + ":" + n, Integer.toString(n));
                if (!reply.equals("+OK\r\n")) {
                    return;
                }
                acked.add(n); // acknowledged: it must survive the crash
                acks.incrementAndGet();
            }
        } catch (IOException killed) {
            // the server went away mid-request: that write was not acknowledged
        }
    }

    private Process start(Path dir, int port) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath, "io.cinnabar.server.Main",
                "--port", Integer.toString(port), "--dir", dir.toString(), "--appendonly", "yes",
                "--appendfsync", "always", "--save", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Conn c = new Conn(port)) {
                if (c.call("PING").equals("+PONG\r\n")) {
                    return p;
                }
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IOException("the server exited: " + Files.readString(dir.resolve("server.log")));
                }
                Thread.sleep(20);
            }
        }
        p.destroyForcibly();
        throw new IOException("the server did not start on port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A minimal RESP client: one request, one reply (simple, error, integer or bulk). */
    private static final class Conn implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Conn(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        }

        String call(String... args) throws IOException {
            StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String first = line();
            if (first.charAt(0) == '$' && !first.equals("$-1")) {
                int len = Integer.parseInt(first.substring(1));
                byte[] b = in.readNBytes(len + 2);
                if (b.length < len + 2) {
                    throw new IOException("connection closed");
                }
                return first + "\r\n" + new String(b, StandardCharsets.UTF_8);
            }
            return first + "\r\n";
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != '\r') {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                sb.append((char) b);
            }
            in.read();
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
