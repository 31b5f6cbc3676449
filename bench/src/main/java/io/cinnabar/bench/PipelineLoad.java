package io.cinnabar.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A load generator for what redis-benchmark cannot send: a request made of several commands, such as a
 * MULTI/EXEC transaction of five commands. Like redis-benchmark, it keeps {@code clients} connections, each with
 * {@code pipeline} requests in flight, and prints requests per second (one request = the whole group of commands).
 *
 * <pre>java -cp bench/target/classes io.cinnabar.bench.PipelineLoad port clients pipeline requests multi_exec</pre>
 *
 * Workloads: {@code multi_exec} is MULTI, SET, INCR, LPUSH, GET, SADD, EXEC on keys of its own per connection.
 * One thread and a selector, so the generator takes about as much CPU as redis-benchmark does.
 */
public final class PipelineLoad {
    private PipelineLoad() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        int pipeline = Integer.parseInt(args[2]);
        long requests = Long.parseLong(args[3]);
        String workload = args.length > 4 ? args[4] : "multi_exec";
        if (!workload.equals("multi_exec")) {
            throw new IllegalArgumentException("unknown workload " + workload);
        }
        Selector selector = Selector.open();
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            Conn c = new Conn(ch, multiExec(i), 7, pipeline);
            ch.register(selector, SelectionKey.OP_READ, c);
            conns.add(c);
        }
        long perClient = Math.max(1, requests / clients);
        long start = System.nanoTime();
        for (Conn c : conns) {
            c.budget = perClient;
            c.refill();
        }
        int open = conns.size();
        while (open > 0) {
            selector.select();
            for (SelectionKey key : selector.selectedKeys()) {
                Conn c = (Conn) key.attachment();
                if (c.read()) {
                    key.cancel();
                    open--;
                }
            }
            selector.selectedKeys().clear();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long done = perClient * clients;
        System.out.printf("%s: %.2f requests per second%n", workload.toUpperCase(), done / seconds);
        for (Conn c : conns) {
            c.ch.close();
        }
    }

    private static byte[] multiExec(int client) {
        String k = "{pl" + client + "}";
        return encode(new String[][] {
            {"MULTI"}, {"SET", k + ":s", "value"}, {"INCR", k + ":n"}, {"LPUSH", k + ":l", "x"},
            {"GET", k + ":s"}, {"SADD", k + ":set", "member"}, {"EXEC"}});
    }

    private static byte[] encode(String[][] commands) {
        StringBuilder sb = new StringBuilder();
        for (String[] cmd : commands) {
            sb.append('*').append(cmd.length).append("\r\n");
            for (String a : cmd) {
                sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One connection: writes whole requests, counts replies by skipping RESP values. */
    private static final class Conn {
        final SocketChannel ch;
        final byte[] request;
        final int repliesPerRequest;
        final int pipeline;
        final ByteBuffer in = ByteBuffer.allocate(1 << 20);
        long budget;
        long sent;
        long replies;

        Conn(SocketChannel ch, byte[] request, int repliesPerRequest, int pipeline) {
            this.ch = ch;
            this.request = request;
            this.repliesPerRequest = repliesPerRequest;
            this.pipeline = pipeline;
        }

        void refill() throws IOException {
            long completed = replies / repliesPerRequest;
            int want = (int) Math.min(pipeline - (sent - completed), budget - sent);
            if (want <= 0) {
                return;
            }
            ByteBuffer out = ByteBuffer.allocate(request.length * want);
            for (int i = 0; i < want; i++) {
                out.put(request);
            }
            out.flip();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            sent += want;
        }

        /** Reads what arrived; true when every request of the budget was answered. */
        boolean read() throws IOException {
            if (ch.read(in) < 0) {
                throw new IOException("server closed the connection");
            }
            in.flip();
            int pos;
            while ((pos = skip(in, in.position())) >= 0) {
                in.position(pos);
                replies++;
            }
            in.compact();
            if (replies / repliesPerRequest >= budget) {
                return true;
            }
            refill();
            return false;
        }

        /** The position after one RESP value starting at {@code p}, or -1 if it has not fully arrived. */
        private static int skip(ByteBuffer b, int p) {
            if (p >= b.limit()) {
                return -1;
            }
            byte type = b.get(p);
            int eol = p;
            while (eol + 1 < b.limit() && !(b.get(eol) == '\r' && b.get(eol + 1) == '\n')) {
                eol++;
            }
            if (eol + 1 >= b.limit()) {
                return -1;
            }
            int next = eol + 2;
            switch (type) {
                case '$' -> {
                    long len = parse(b, p + 1, eol);
                    if (len < 0) {
                        return next;
                    }
                    long end = next + len + 2;
                    return end <= b.limit() ? (int) end : -1;
                }
                case '*', '~', '>' -> {
                    long n = parse(b, p + 1, eol);
                    for (long i = 0; i < n && next >= 0; i++) {
                        next = skip(b, next);
                    }
                    return next;
                }
                case '%' -> {
                    long n = 2 * parse(b, p + 1, eol);
                    for (long i = 0; i < n && next >= 0; i++) {
                        next = skip(b, next);
                    }
                    return next;
                }
                default -> {
                    return next;
                }
            }
        }

        private static long parse(ByteBuffer b, int from, int to) {
            long v = 0;
            boolean negative = b.get(from) == '-';
            for (int i = negative ? from + 1 : from; i < to; i++) {
                v = v * 10 + (b.get(i) - '0');
            }
            return negative ? -v : v;
        }
    }
}
