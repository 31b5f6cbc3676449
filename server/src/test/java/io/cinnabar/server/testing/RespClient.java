package io.cinnabar.server.testing;

import io.cinnabar.protocol.RespValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A blocking raw RESP client for tests: sends commands, returns replies as the exact bytes received. */
public final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buffer = new byte[0];

    public RespClient(int port) {
        this("127.0.0.1", port);
    }

    public RespClient(String host, int port) {
        try {
            socket = new Socket(host, port);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encode(byte[]... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    public static byte[] encode(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return encode(bytes);
    }

    /** Sends a command and returns its reply as text (RESP bytes decoded as UTF-8, CRLFs included). */
    public String call(String... args) {
        send(encode(args));
        return new String(readReply(), StandardCharsets.UTF_8);
    }

    public byte[] callBytes(byte[]... args) {
        send(encode(args));
        return readReply();
    }

    public void send(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void sendText(String raw) {
        send(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads exactly one complete reply. */
    public byte[] readReply() {
        while (true) {
            int length = buffer.length == 0 ? -1 : RespValue.completeLength(buffer, buffer.length);
            if (length > 0) {
                byte[] reply = Arrays.copyOf(buffer, length);
                buffer = Arrays.copyOfRange(buffer, length, buffer.length);
                return reply;
            }
            fill();
        }
    }

    public String readReplyText() {
        return new String(readReply(), StandardCharsets.UTF_8);
    }

    private void fill() {
        byte[] chunk = new byte[65536];
        try {
            int n = in.read(chunk);
            if (n < 0) {
                throw new UncheckedIOException(new IOException("connection closed; pending: "
                        + new String(buffer, StandardCharsets.UTF_8)));
            }
            byte[] grown = Arrays.copyOf(buffer, buffer.length + n);
            System.arraycopy(chunk, 0, grown, buffer.length, n);
            buffer = grown;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True once the server has closed the connection (reads end of stream within the timeout). */
    public boolean closedByServer() {
        try {
            socket.setSoTimeout(5_000);
            byte[] chunk = new byte[1024];
            while (true) {
                int n = in.read(chunk);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
