package io.cinnabar.server.exec;

import java.util.Locale;

/** Redis's memtoull: {@code 1gb}, {@code 512mb}, {@code 1k} (1000) and {@code 1kb} (1024), case-insensitive. */
final class MemoryUnits {
    private MemoryUnits() {
    }

    /** Bytes, or -1 if the text is not a memory value. */
    static long parse(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        long mul = 1;
        String digits = s;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"},
            {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                digits = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        if (digits.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return -1;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), mul);
        } catch (ArithmeticException | NumberFormatException e) {
            return -1;
        }
    }
}
