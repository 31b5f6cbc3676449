package io.cinnabar.conformance;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis 7.0 to compare against, when one can be had: {@code -Dcinnabar.redis=host:port} names a running one,
 * otherwise a {@code redis-server} on PATH is started on a free loopback port (one per scenario, so state never
 * leaks between scenarios). Without either, conformance runs against the recorded transcripts only.
 */
final class RealRedis implements AutoCloseable {
    final String host;
    final int port;
    private final Process process;

    private RealRedis(String host, int port, Process process) {
        this.host = host;
        this.port = port;
        this.process = process;
    }

    static boolean available() {
        return System.getProperty("cinnabar.redis") != null || executable() != null;
    }

    private static String executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    /** A fresh server (or the named one, flushed by the caller). */
    static RealRedis start() throws IOException, InterruptedException {
        String named = System.getProperty("cinnabar.redis");
        if (named != null) {
            String[] hp = named.split(":");
            return new RealRedis(hp[0], Integer.parseInt(hp[1]), null);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(List.of(executable(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--enable-debug-command", "yes", "--loglevel", "warning"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return new RealRedis("127.0.0.1", port, p);
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not start on port " + port);
    }

    /** The version line of INFO server, to refuse comparing against anything but 7.0. */
    static String version(String info) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length());
            }
        }
        return "unknown";
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
