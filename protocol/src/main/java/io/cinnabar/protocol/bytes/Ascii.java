package io.cinnabar.protocol.bytes;

import java.nio.charset.StandardCharsets;

/** ASCII helpers for command and option names, which Redis matches case-insensitively. */
public final class Ascii {
    private Ascii() {
    }

    /** True if {@code arg} equals {@code lowerName} ignoring ASCII case; {@code lowerName} must be lower case. */
    public static boolean equalsIgnoreCase(byte[] arg, byte[] lowerName) {
        if (arg.length != lowerName.length) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    public static boolean equalsIgnoreCase(byte[] arg, String lowerName) {
        if (arg.length != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes bytes for messages and config values, never on the data path. */
    public static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
