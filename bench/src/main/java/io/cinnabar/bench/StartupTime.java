package io.cinnabar.bench;

import io.cinnabar.server.CinnabarServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cold and warm start of the embedded server, as a test suite sees them: from the first {@code start()} in a fresh
 * JVM to the first PONG on a socket, then the same for later starts in that JVM. Run it in a new JVM each time
 * (bench/startup-time.sh does, against the published jar); a timed unit test could not measure a cold start.
 * Prints one line: {@code first_ms=... first_cpu_ms=... later_median_ms=... later_max_ms=...}, where
 * {@code first_cpu_ms} is the CPU time all the JVM's threads spent during the first start (from
 * /proc/self/task/.../schedstat): steadier than wall time on a busy machine.
 */
public final class StartupTime {
    private StartupTime() {
    }

    public static void main(String[] args) throws IOException {
        int later = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long cpuBefore = processCpuNanos();
        double first = startToPong();
        double firstCpu = (processCpuNanos() - cpuBefore) / 1e6;
        double[] times = new double[later];
        for (int i = 0; i < later; i++) {
            times[i] = startToPong();
        }
        Arrays.sort(times);
        System.out.printf("first_ms=%.1f first_cpu_ms=%.1f later_median_ms=%.1f later_max_ms=%.1f%n", first, firstCpu,
                later == 0 ? 0 : times[later / 2], later == 0 ? 0 : times[later - 1]);
    }

    /** Nanoseconds on CPU of every thread of this process (0 where /proc is not there). */
    private static long processCpuNanos() {
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        long total = 0;
        if (tasks == null) {
            return 0;
        }
        for (java.io.File task : tasks) {
            try (java.io.FileInputStream in = new java.io.FileInputStream(new java.io.File(task, "schedstat"))) {
                String line = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                total += Long.parseLong(line.substring(0, line.indexOf(' ')));
            } catch (IOException | RuntimeException threadEnded) {
                // a thread that ended between the listing and the read
            }
        }
        return total;
    }

    private static double startToPong() throws IOException {
        long start = System.nanoTime();
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = 0;
            while (n < reply.length) {
                int r = in.read(reply, n, reply.length - n);
                if (r < 0) {
                    throw new IOException("connection closed after " + n + " bytes");
                }
                n += r;
            }
            long elapsed = System.nanoTime() - start;
            if (!new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                throw new IOException("unexpected reply " + new String(reply, StandardCharsets.US_ASCII));
            }
            return elapsed / 1e6;
        }
    }
}
