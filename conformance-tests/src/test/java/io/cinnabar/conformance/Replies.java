package io.cinnabar.conformance;

import io.cinnabar.protocol.RespValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Comparison of two raw replies under a scenario step's rule; returns null when they agree. */
final class Replies {
    private Replies() {
    }

    static String difference(byte[] expected, byte[] actual, Scenario.Compare compare) {
        if (compare == Scenario.Compare.EXACT) {
            return Arrays.equals(expected, actual) ? null : "differs";
        }
        RespValue e = RespValue.parse(expected);
        RespValue a = RespValue.parse(actual);
        if (e == null || a == null) {
            return "unparseable reply";
        }
        switch (compare) {
            case SHAPE:
                if (e.type != a.type || size(e) != size(a)) {
                    return "different shape";
                }
                return null;
            case FIELDS:
                if (e.type != a.type) {
                    return "different type";
                }
                return fieldNames(e.text()).equals(fieldNames(a.text())) ? null : "different fields";
            case APPROX:
                if (e.type == ':' && a.type == ':') {
                    // seconds within 2; milliseconds (PTTL of 100000) within a thousandth, since a loaded machine
                    // lets a few milliseconds pass between two commands
                    long slack = Math.max(2, Math.abs(e.integer) / 1000);
                    return Math.abs(e.integer - a.integer) <= slack ? null : "not within " + slack;
                }
                return Arrays.equals(expected, actual) ? null : "differs";
            case UNORDERED:
                return e.type == a.type && sorted(e).equals(sorted(a)) ? null : "different elements";
            case SCAN:
                if (e.elements == null || a.elements == null || e.elements.size() != 2 || a.elements.size() != 2) {
                    return Arrays.equals(expected, actual) ? null : "differs";
                }
                if (!e.elements.get(0).toString().equals(a.elements.get(0).toString())) {
                    return "different cursor";
                }
                return sorted(e.elements.get(1)).equals(sorted(a.elements.get(1))) ? null : "different keys";
            default:
                throw new IllegalStateException();
        }
    }

    /** INFO text: each line's name before ':' (headers and blank lines as they are); one line: names before '='. */
    static List<String> fieldNames(String text) {
        List<String> names = new ArrayList<>();
        if (text.contains("\r\n")) {
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                names.add(colon < 0 ? line : line.substring(0, colon));
            }
        } else {
            for (String word : text.trim().split(" ")) {
                int eq = word.indexOf('=');
                names.add(eq < 0 ? word : word.substring(0, eq));
            }
        }
        return names;
    }

    private static int size(RespValue v) {
        return v.elements == null ? -1 : v.elements.size();
    }

    /** Elements (map entries as key=value) sorted by their printed form. */
    private static List<String> sorted(RespValue v) {
        List<String> out = new ArrayList<>();
        if (v.elements == null) {
            out.add(v.toString());
            return out;
        }
        if (v.type == '%') {
            for (int i = 0; i + 1 < v.elements.size(); i += 2) {
                out.add(v.elements.get(i) + "=" + v.elements.get(i + 1));
            }
        } else {
            for (RespValue e : v.elements) {
                out.add(e.toString());
            }
        }
        out.sort(null);
        return out;
    }

    static String escape(byte[] raw) {
        return RespValue.escape(raw);
    }

    /** The inverse of {@link RespValue#escape}: \\ \" \r \n \xHH. */
    static byte[] unescape(String line) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\') {
                b.write(c);
                continue;
            }
            char e = line.charAt(++i);
            switch (e) {
                case 'r' -> b.write('\r');
                case 'n' -> b.write('\n');
                case 'x' -> {
                    b.write(Integer.parseInt(line.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> b.write(e);
            }
        }
        return b.toByteArray();
    }

    static String text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
