package io.cinnabar.protocol;

import io.cinnabar.protocol.reply.ReplyWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One parsed RESP2/RESP3 value as a small tree. Not for the data path: it reads recorded tables and transcripts,
 * and test replies, where clarity matters more than allocation.
 */
public final class RespValue {
    /** The RESP type byte: + - : $ * _ , # ! = ( % ~ > */
    public final char type;
    /** Payload of simple strings, errors, bulk strings, doubles, big numbers, verbatim strings; null for nil. */
    public final byte[] bytes;
    public final long integer;
    /** Elements of arrays, sets, pushes; keys and values alternating for maps. Null for a nil array. */
    public final List<RespValue> elements;

    private RespValue(char type, byte[] bytes, long integer, List<RespValue> elements) {
        this.type = type;
        this.bytes = bytes;
        this.integer = integer;
        this.elements = elements;
    }

    public static RespValue of(char type, byte[] bytes) {
        return new RespValue(type, bytes, 0, null);
    }

    public static RespValue integer(long value) {
        return new RespValue(':', null, value, null);
    }

    public static RespValue aggregate(char type, List<RespValue> elements) {
        return new RespValue(type, null, 0, elements);
    }

    public boolean isNull() {
        return type == '_' || (type == '$' && bytes == null) || (type == '*' && elements == null);
    }

    public String text() {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** For maps: the value under a bulk or simple string key, or null. */
    public RespValue get(String key) {
        if (elements == null) {
            return null;
        }
        for (int i = 0; i + 1 < elements.size(); i += 2) {
            RespValue k = elements.get(i);
            if (k.bytes != null && key.equals(k.text())) {
                return elements.get(i + 1);
            }
        }
        return null;
    }

    /** Writes this value through a reply writer, so RESP3 types degrade as Redis degrades them for RESP2. */
    public void writeTo(ReplyWriter w) {
        switch (type) {
            case '+' -> w.simple(bytes);
            case '-' -> w.error(text());
            case ':' -> w.integer(integer);
            case '$' -> {
                if (bytes == null) {
                    w.nullBulk();
                } else {
                    w.bulk(bytes);
                }
            }
            case '_' -> w.nullBulk();
            case '#' -> w.bool(integer != 0);
            case ',' -> {
                if (w.resp3()) {
                    w.raw(("," + text() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                } else {
                    w.bulk(bytes);
                }
            }
            case '(' -> w.bigNumber(bytes);
            case '=' -> w.verbatim(new String(bytes, 0, 3, StandardCharsets.US_ASCII),
                    java.util.Arrays.copyOfRange(bytes, 4, bytes.length));
            case '*', '~', '>', '%' -> {
                if (elements == null) {
                    w.nullArray();
                    return;
                }
                switch (type) {
                    case '*' -> w.array(elements.size());
                    case '~' -> w.set(elements.size());
                    case '>' -> w.push(elements.size());
                    default -> w.map(elements.size() / 2);
                }
                for (RespValue e : elements) {
                    e.writeTo(w);
                }
            }
            default -> throw new IllegalStateException("unknown RESP type " + type);
        }
    }

    /** Parses every complete value in {@code data}. */
    public static List<RespValue> parseAll(byte[] data) {
        Parser p = new Parser(data);
        List<RespValue> out = new ArrayList<>();
        while (p.pos < data.length) {
            out.add(p.value());
        }
        return out;
    }

    /** Parses one value at the start of {@code data}; returns null if it is incomplete. */
    public static RespValue parse(byte[] data) {
        try {
            return new Parser(data).value();
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Length in bytes of the complete value at the start of {@code data}, or -1 if incomplete. */
    public static int completeLength(byte[] data, int length) {
        Parser p = new Parser(java.util.Arrays.copyOf(data, length));
        try {
            p.value();
            return p.pos;
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }

    private void appendTo(StringBuilder sb) {
        switch (type) {
            case ':' -> sb.append('(').append(integer).append(')');
            case '#' -> sb.append(integer != 0 ? "#t" : "#f");
            case '_' -> sb.append("null");
            case '*', '~', '>', '%' -> {
                if (elements == null) {
                    sb.append("nil-array");
                    return;
                }
                sb.append(type).append('[');
                for (int i = 0; i < elements.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    elements.get(i).appendTo(sb);
                }
                sb.append(']');
            }
            default -> {
                if (bytes == null) {
                    sb.append("nil");
                } else {
                    sb.append(type).append('"').append(escape(bytes)).append('"');
                }
            }
        }
    }

    public static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\\' || c == '"') {
                sb.append('\\').append((char) c);
            } else if (c >= 32 && c < 127) {
                sb.append((char) c);
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }

    private static final class Parser {
        final byte[] data;
        int pos;

        Parser(byte[] data) {
            this.data = data;
        }

        String line() {
            int start = pos;
            while (!(data[pos] == '\r' && data[pos + 1] == '\n')) {
                pos++;
            }
            String s = new String(data, start, pos - start, StandardCharsets.ISO_8859_1);
            pos += 2;
            return s;
        }

        byte[] lineBytes() {
            int start = pos;
            while (!(data[pos] == '\r' && data[pos + 1] == '\n')) {
                pos++;
            }
            byte[] b = java.util.Arrays.copyOfRange(data, start, pos);
            pos += 2;
            return b;
        }

        RespValue value() {
            char t = (char) data[pos++];
            switch (t) {
                case '+', '-', ',', '(' -> {
                    return of(t, lineBytes());
                }
                case ':' -> {
                    return integer(Long.parseLong(line()));
                }
                case '#' -> {
                    String v = line();
                    return new RespValue('#', null, v.equals("t") ? 1 : 0, null);
                }
                case '_' -> {
                    line();
                    return of('_', null);
                }
                case '$', '=', '!' -> {
                    int n = Integer.parseInt(line());
                    if (n < 0) {
                        return of(t, null);
                    }
                    if (pos + n + 2 > data.length) {
                        throw new IndexOutOfBoundsException();
                    }
                    byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + n);
                    pos += n + 2;
                    return of(t, b);
                }
                case '*', '~', '>', '%' -> {
                    int n = Integer.parseInt(line());
                    if (n < 0) {
                        return aggregate(t, null);
                    }
                    int count = t == '%' ? n * 2 : n;
                    List<RespValue> items = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        items.add(value());
                    }
                    return aggregate(t, items);
                }
                default -> throw new IllegalArgumentException("not RESP at byte " + (pos - 1) + ": " + t);
            }
        }
    }
}
