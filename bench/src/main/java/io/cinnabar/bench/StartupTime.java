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
 * Prints one line: {@code first_ms=... later_median_ms=... later_max_ms=...}.
 */
public final class StartupTime {
    private StartupTime() {
    }

    public static void main(String[] args) throws IOException {
        int later = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        double first = startToPong();
        double[] times = new double[later];
        for (int i = 0; i < later; i++) {
            times[i] = startToPong();
        }
        Arrays.sort(times);
        System.out.printf("first_ms=%.1f later_median_ms=%.1f later_max_ms=%.1f%n", first,
                later == 0 ? 0 : times[later / 2], later == 0 ? 0 : times[later - 1]);
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
