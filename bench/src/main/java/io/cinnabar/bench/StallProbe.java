package io.cinnabar.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does one client stall the others? A "hog" connection sends {@code gets} pipelined {@code GET} of a value of
 * {@code valueBytes} and reads nothing for {@code seconds}, while {@code pingers} other connections each send
 * {@code PING} one at a time and time the answer. Prints the pingers' latency percentiles, PINGs that took longer
 * than 5 s (timed out), and, given the server's pid, the most resident memory the server process reached. Then
 * the hog reads all its replies, checking every one is the value (order and bytes), and prints how fast they came.
 *
 * <pre>java -cp bench/target/classes io.cinnabar.bench.StallProbe port [valueBytes] [gets] [seconds] [pingers] [pid]</pre>
 *
 * Defaults: 1 MiB values, 3,000 GETs, 10 seconds, 4 pingers. Plain blocking sockets, one thread per connection.
 * Used by bench/stall-probe.sh, which runs it against Cinnabar and Redis side by side.
 */
public final class StallProbe {
    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY = "stall-probe:value".getBytes(StandardCharsets.US_ASCII);
    private static final int TIMEOUT_MILLIS = 5000;

    private StallProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        int gets = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int pingers = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        long pid = args.length > 5 ? Long.parseLong(args[5]) : 0;

        byte[] value = new byte[valueBytes];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        try (Socket s = connect(port, 0)) {
            s.getOutputStream().write(command("SET".getBytes(StandardCharsets.US_ASCII), KEY, value));
            expectLine(s.getInputStream(), "+OK");
        }

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong maxRss = new AtomicLong();
        Thread sampler = null;
        if (pid > 0) {
            Path status = Path.of("/proc", Long.toString(pid), "status");
            sampler = new Thread(() -> {
                while (running.get()) {
                    maxRss.accumulateAndGet(rssKb(status), Math::max);
                    sleep(20);
                }
            });
            sampler.setDaemon(true);
            sampler.start();
        }

        // the hog: a small receive buffer, so the server's replies pile up on its side
        Socket hog = connect(port, 64 * 1024);
        byte[] get = command("GET".getBytes(StandardCharsets.US_ASCII), KEY);
        byte[] batch = new byte[get.length * gets];
        for (int i = 0; i < gets; i++) {
            System.arraycopy(get, 0, batch, i * get.length, get.length);
        }
        Thread writer = new Thread(() -> {
            try {
                hog.getOutputStream().write(batch); // blocks once the server stops reading it (back-pressure)
                hog.getOutputStream().flush();
            } catch (IOException e) {
                System.out.println("hog write ended: " + e.getMessage());
            }
        });
        writer.setDaemon(true);
        writer.start();
        sleep(200);

        long[][] latencies = new long[pingers][];
        int[] counts = new int[pingers];
        int[] timeouts = new int[pingers];
        Thread[] threads = new Thread[pingers];
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int p = 0; p < pingers; p++) {
            int index = p;
            threads[p] = new Thread(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                try (Socket s = connect(port, 0)) {
                    s.setSoTimeout(TIMEOUT_MILLIS);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 64);
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        out.write(PING);
                        try {
                            expectLine(in, "+PONG");
                        } catch (SocketTimeoutException e) {
                            timeouts[index]++;
                            break; // the connection's state is unknown now
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = System.nanoTime() - t;
                        sleep(1); // a steady trickle, about 1,000 PINGs a second each
                    }
                } catch (IOException e) {
                    System.out.println("pinger " + index + ": " + e);
                }
                latencies[index] = Arrays.copyOf(lat, n);
                counts[index] = n;
            });
            threads[p].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long rssDuringLoad = maxRss.get();

        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        int total = Arrays.stream(counts).sum();
        int timedOut = Arrays.stream(timeouts).sum();
        System.out.printf("pings %d, timed out (>%d ms) %d%n", total, TIMEOUT_MILLIS, timedOut);
        if (all.length > 0) {
            System.out.printf("ping latency ms: p50 %.3f p99 %.3f p99.9 %.3f max %.3f%n", pct(all, 50), pct(all, 99),
                    pct(all, 99.9), all[all.length - 1] / 1e6);
        }
        if (pid > 0) {
            System.out.printf("server max RSS during the load: %d MiB%n", rssDuringLoad / 1024);
        }

        // now the hog reads everything: every reply must be the value, in order
        hog.setSoTimeout(60_000);
        InputStream in = new java.io.BufferedInputStream(hog.getInputStream(), 1 << 20);
        byte[] header = ("$" + valueBytes).getBytes(StandardCharsets.US_ASCII);
        byte[] got = new byte[valueBytes + 2];
        long t = System.nanoTime();
        int ok = 0;
        try {
            for (int i = 0; i < gets; i++) {
                byte[] line = readLine(in);
                if (!Arrays.equals(line, header)) {
                    System.out.println("reply " + i + ": unexpected header " + new String(line, StandardCharsets.ISO_8859_1));
                    break;
                }
                readFully(in, got);
                if (!Arrays.equals(got, 0, valueBytes, value, 0, valueBytes) || got[valueBytes] != '\r'
                        || got[valueBytes + 1] != '\n') {
                    System.out.println("reply " + i + ": wrong bytes");
                    break;
                }
                ok++;
            }
        } catch (IOException e) {
            System.out.println("hog read ended after " + ok + " replies: " + e);
        }
        double secs = (System.nanoTime() - t) / 1e9;
        System.out.printf("hog replies %d/%d correct, read in %.2f s (%.0f MB/s)%n", ok, gets, secs,
                (double) ok * valueBytes / 1e6 / secs);
        if (pid > 0) {
            System.out.printf("server max RSS overall: %d MiB%n", maxRss.get() / 1024);
        }
        running.set(false);
        hog.close();
    }

    private static Socket connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    private static byte[] command(byte[]... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(a);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    private static void expectLine(InputStream in, String expected) throws IOException {
        String line = new String(readLine(in), StandardCharsets.ISO_8859_1);
        if (!line.equals(expected)) {
            throw new IOException("expected " + expected + ", got " + line);
        }
    }

    /** A line without its CRLF. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(32);
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (prev == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return Arrays.copyOf(bytes, bytes.length - 1);
            }
            line.write(b);
            prev = b;
        }
    }

    private static void readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                throw new IOException("connection closed");
            }
            n += r;
        }
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static long rssKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended
        }
        return 0;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
