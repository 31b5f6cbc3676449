package io.cinnabar.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A conformance scenario: one step per line, in redis-cli syntax, with optional modifiers that say how replies are
 * compared. Modifiers: {@code @unordered} (aggregate elements in any order), {@code @scan} (same cursor, keys in any
 * order), {@code @approx} (integers within 2, or a thousandth of larger ones: TTLs and PTTLs), {@code @shape} (same type and length only: ids, times),
 * {@code @fields} (same field names in the same order, values aside: INFO's {@code name:value} lines, CLIENT INFO's
 * {@code name=value} words),
 * {@code @replies N} (the command answers N frames), {@code @raw N text} (send C-escaped bytes, read N replies),
 * {@code @close text} (on a fresh connection: send, read one reply, and the server must close it).
 * Several clients: {@code @client NAME} runs the step on the named connection (opened on first use; the others run
 * on the default one), {@code @send} sends without reading (a command that blocks), {@code @read N} reads N
 * replies that arrived for an earlier {@code @send}, {@code @blocked N} waits until the server counts N blocked
 * clients (no reply recorded: it orders the clients' steps), and {@code {id:NAME}} in an argument is that
 * connection's CLIENT ID.
 */
record Scenario(String name, List<Step> steps) {
    enum Compare { EXACT, UNORDERED, SCAN, APPROX, SHAPE, FIELDS }

    /**
     * One line. {@code request} is the bytes to send (null for a step that only reads or waits); for a plain command
     * {@code args} holds its arguments, to substitute client ids at play time.
     */
    record Step(String source, byte[] request, int replies, Compare compare, boolean closes, String client,
                List<byte[]> args, int blocked) {
        Step(String source, byte[] request, int replies, Compare compare, boolean closes) {
            this(source, request, replies, compare, closes, null, null, -1);
        }
    }

    static Scenario load(String name) {
        try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/" + name + ".txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<Step> steps = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                steps.add(parse(line));
            }
            return new Scenario(name, steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Step parse(String line) {
        Compare compare = Compare.EXACT;
        int replies = 1;
        String client = null;
        boolean sendOnly = false;
        String rest = line;
        while (rest.startsWith("@")) {
            int space = rest.indexOf(' ');
            String modifier = rest.substring(1, space);
            rest = rest.substring(space + 1);
            switch (modifier) {
                case "unordered" -> compare = Compare.UNORDERED;
                case "scan" -> compare = Compare.SCAN;
                case "approx" -> compare = Compare.APPROX;
                case "shape" -> compare = Compare.SHAPE;
                case "fields" -> compare = Compare.FIELDS;
                case "send" -> sendOnly = true;
                case "client" -> {
                    int sp = rest.indexOf(' ');
                    client = rest.substring(0, sp);
                    rest = rest.substring(sp + 1);
                }
                case "read" -> {
                    return new Step(line, null, Integer.parseInt(rest.trim()), compare, false, client, null, -1);
                }
                case "blocked" -> {
                    return new Step(line, null, 0, compare, false, null, null, Integer.parseInt(rest.trim()));
                }
                case "replies", "raw" -> {
                    int sp = rest.indexOf(' ');
                    replies = Integer.parseInt(rest.substring(0, sp));
                    rest = rest.substring(sp + 1);
                    if (modifier.equals("raw")) {
                        return new Step(line, unescape(rest), replies, compare, false, client, null, -1);
                    }
                }
                case "close" -> {
                    return new Step(line, unescape(rest), 1, compare, true);
                }
                default -> throw new IllegalArgumentException("unknown modifier " + modifier + " in: " + line);
            }
        }
        List<byte[]> args = split(rest);
        return new Step(line, encode(args), sendOnly ? 0 : replies, compare, false, client, args, -1);
    }

    /** The step's request with every {@code {id:NAME}} replaced by {@code ids}' value for NAME. */
    static byte[] requestFor(Step step, java.util.Map<String, String> ids) {
        if (step.args() == null) {
            return step.request();
        }
        List<byte[]> args = new ArrayList<>();
        boolean changed = false;
        for (byte[] a : step.args()) {
            String text = new String(a, StandardCharsets.UTF_8);
            if (text.startsWith("{id:") && text.endsWith("}")) {
                String id = ids.get(text.substring(4, text.length() - 1));
                if (id == null) {
                    throw new IllegalArgumentException("no client " + text + " in: " + step.source());
                }
                args.add(id.getBytes(StandardCharsets.US_ASCII));
                changed = true;
            } else {
                args.add(a);
            }
        }
        return changed ? encode(args) : step.request();
    }

    /** redis-cli style splitting: spaces separate, double quotes allow C escapes, single quotes are literal. */
    static List<byte[]> split(String line) {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= line.length()) {
                break;
            }
            ByteArrayOutputStream arg = new ByteArrayOutputStream();
            char quote = 0;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (quote == 0 && c == ' ') {
                    break;
                }
                if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (quote != 0 && c == quote) {
                    quote = 0;
                } else if (quote == '"' && c == '\\') {
                    i++;
                    char e = line.charAt(i);
                    switch (e) {
                        case 'n' -> arg.write('\n');
                        case 'r' -> arg.write('\r');
                        case 't' -> arg.write('\t');
                        case 'x' -> {
                            arg.write(Integer.parseInt(line.substring(i + 1, i + 3), 16));
                            i += 2;
                        }
                        default -> arg.write(e);
                    }
                } else {
                    arg.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
                i++;
            }
            args.add(arg.toByteArray());
        }
        return args;
    }

    static byte[] encode(List<byte[]> args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /** C escapes: \r \n \t \\ \xHH; everything else as is. */
    static byte[] unescape(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'r' -> b.write('\r');
                    case 'n' -> b.write('\n');
                    case 't' -> b.write('\t');
                    case 'x' -> {
                        b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> {
                        b.write('\\');
                        b.write(e);
                    }
                }
            } else {
                b.write(c);
            }
        }
        return b.toByteArray();
    }
}
