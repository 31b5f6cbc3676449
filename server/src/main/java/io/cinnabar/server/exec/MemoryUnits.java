package io.cinnabar.server.exec;

/** Redis's memtoull and strtoll, the number readers of config.c. */
final class MemoryUnits {
    private MemoryUnits() {
    }

    /**
     * memtoull: digits then an optional unit ({@code b}, {@code k} 1000, {@code kb} 1024, {@code m}, {@code mb},
     * {@code g}, {@code gb}, any case). The result is unsigned (kept in a long); digits past 2^64-1 saturate as
     * strtoull does, no digits read as 0. Null if the text is not a memory value.
     */
    static Long parse(String p) {
        if (p.startsWith("-")) {
            return null;
        }
        int u = 0;
        while (u < p.length() && p.charAt(u) >= '0' && p.charAt(u) <= '9') {
            u++;
        }
        String unit = p.substring(u);
        long mul;
        switch (unit.toLowerCase(java.util.Locale.ROOT)) {
            case "", "b" -> mul = 1;
            case "k" -> mul = 1000;
            case "kb" -> mul = 1024;
            case "m" -> mul = 1000 * 1000;
            case "mb" -> mul = 1024 * 1024;
            case "g" -> mul = 1000L * 1000 * 1000;
            case "gb" -> mul = 1024L * 1024 * 1024;
            default -> {
                return null;
            }
        }
        if (u >= 128) {
            return null;
        }
        long val = 0;
        boolean saturated = false;
        for (int i = 0; i < u && !saturated; i++) {
            int d = p.charAt(i) - '0';
            // val * 10 + d > 2^64-1 ?
            if (Long.compareUnsigned(val, Long.divideUnsigned(-1L - d, 10)) > 0) {
                saturated = true;
                val = -1L;
            } else {
                val = val * 10 + d;
            }
        }
        if (Long.compareUnsigned(val, Long.divideUnsigned(-1L, mul)) > 0) {
            return null;
        }
        return val * mul;
    }

    /** strtoll with a check that everything was read: leading spaces and a sign allowed; null otherwise. */
    static Long strtoll(String s, int radix) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        while (i < n && Character.digit(s.charAt(i), radix) >= 0) {
            v = v.multiply(java.math.BigInteger.valueOf(radix)).add(java.math.BigInteger.valueOf(Character.digit(s.charAt(i), radix)));
            i++;
        }
        if (i == start) {
            return n == 0 ? 0L : null; // nothing converted: endptr is the start, so only "" reads whole (as 0)
        }
        if (i != n) {
            return null;
        }
        if (neg) {
            v = v.negate();
        }
        if (v.bitLength() > 63) {
            return null; // ERANGE
        }
        return v.longValue();
    }
}
