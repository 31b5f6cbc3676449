package io.cinnabar.protocol.bytes;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The x87 80-bit {@code long double} that Redis uses for INCRBYFLOAT, emulated exactly: values are rounded to a
 * 64-bit binary mantissa after parsing and after each addition, parsed as {@code string2ld} (strtold) accepts
 * them and printed as {@code ld2string(LD_STR_HUMAN)} does ({@code %.17Lf} with trailing zeros removed). Plain
 * doubles would print {@code 0.1 + 0.2} as 0.30000000000000004 where Redis prints 0.3.
 *
 * <p>A value is a finite {@link BigDecimal}; infinities are represented by {@code null} results of the
 * operations, which callers turn into Redis's errors.
 */
public final class LongDouble {
    private static final int MANTISSA_BITS = 64;
    /** Largest binary exponent of an x87 extended value; beyond it strtold overflows. */
    private static final int MAX_EXPONENT = 16383;
    private static final int MIN_EXPONENT = -16445;
    private static final int MAX_CHARS = 5 * 1024; // MAX_LONG_DOUBLE_CHARS
    private static final double LOG2_10 = Math.log(10) / Math.log(2);

    private LongDouble() {
    }

    /** Parse result that is not a finite number but parsed (strtold accepts "inf"). */
    public static final BigDecimal INFINITY = new BigDecimal("1e100000");

    /**
     * Parses as string2ld: returns null when Redis would say "not a valid float", {@link #INFINITY} (or its
     * negation) for infinities.
     */
    public static BigDecimal parse(byte[] s) {
        if (s.length == 0 || s.length >= MAX_CHARS) {
            return null;
        }
        String text = new String(s, StandardCharsets.ISO_8859_1);
        char first = text.charAt(0);
        if (Character.isWhitespace(first) || first == 0x0b) {
            return null;
        }
        String body = text;
        boolean negative = false;
        if (body.startsWith("-") || body.startsWith("+")) {
            negative = body.charAt(0) == '-';
            body = body.substring(1);
        }
        String lower = body.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("inf") || lower.equals("infinity")) {
            return negative ? INFINITY.negate() : INFINITY;
        }
        if (lower.startsWith("nan")) {
            return null;
        }
        BigDecimal exact;
        if (lower.startsWith("0x")) {
            exact = parseHex(lower.substring(2));
        } else {
            exact = parseDecimal(body);
        }
        if (exact == null) {
            return null;
        }
        if (negative) {
            exact = exact.negate();
        }
        if (exact.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal rounded = round(exact);
        if (rounded == null || rounded.signum() == 0) {
            return null; // ERANGE: overflow to HUGE_VAL or underflow to zero
        }
        return rounded;
    }

    private static BigDecimal parseDecimal(String body) {
        int i = 0;
        int n = body.length();
        int digits = 0;
        while (i < n && Character.isDigit(body.charAt(i)) && body.charAt(i) < 128) {
            i++;
            digits++;
        }
        if (i < n && body.charAt(i) == '.') {
            i++;
            while (i < n && body.charAt(i) >= '0' && body.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        int mantissaEnd = i;
        if (i < n && (body.charAt(i) == 'e' || body.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (body.charAt(j) == '+' || body.charAt(j) == '-')) {
                j++;
            }
            int expDigits = 0;
            while (j < n && body.charAt(j) >= '0' && body.charAt(j) <= '9') {
                j++;
                expDigits++;
            }
            if (expDigits > 0) {
                i = j;
            }
        }
        if (i != n) {
            return null;
        }
        String mantissa = body.substring(0, mantissaEnd);
        if (mantissa.startsWith(".")) {
            mantissa = "0" + mantissa;
        }
        if (mantissa.endsWith(".")) {
            mantissa = mantissa + "0";
        }
        String exponent = body.substring(mantissaEnd);
        try {
            if (exponent.isEmpty()) {
                return new BigDecimal(mantissa);
            }
            long e = Long.parseLong(exponent.substring(1).replace("+", ""));
            if (e > 100000) {
                return INFINITY;
            }
            if (e < -100000) {
                return BigDecimal.ZERO.add(BigDecimal.ONE.movePointLeft(100000));
            }
            return new BigDecimal(mantissa).movePointRight((int) e);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static BigDecimal parseHex(String hex) {
        int p = hex.indexOf('p');
        String mant = p < 0 ? hex : hex.substring(0, p);
        int binExp = 0;
        if (p >= 0) {
            try {
                binExp = Integer.parseInt(hex.substring(p + 1).replace("+", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        int dot = mant.indexOf('.');
        String digits = dot < 0 ? mant : mant.substring(0, dot) + mant.substring(dot + 1);
        if (digits.isEmpty()) {
            return null;
        }
        if (dot >= 0) {
            binExp -= 4 * (mant.length() - dot - 1);
        }
        try {
            BigDecimal v = new BigDecimal(new BigInteger(digits, 16));
            return scaleByPowerOfTwo(v, binExp);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Sum rounded to long double precision, or null if it overflows (Redis: would produce NaN or Infinity). */
    public static BigDecimal add(BigDecimal a, BigDecimal b) {
        if (isInfinite(a) || isInfinite(b)) {
            return null;
        }
        BigDecimal sum = a.add(b);
        if (sum.signum() == 0) {
            return BigDecimal.ZERO;
        }
        return round(sum);
    }

    public static boolean isInfinite(BigDecimal v) {
        return v.abs().compareTo(INFINITY) == 0;
    }

    /** As ld2string(LD_STR_HUMAN): {@code %.17Lf}, trailing zeros and a bare point removed, "-0" as "0". */
    public static byte[] format(BigDecimal v) {
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        s = DoubleFormat.stripTrailingZeros(s);
        if (s.equals("-0")) {
            s = "0";
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Rounds an exact value to a 64-bit mantissa, half-even; null if beyond the extended range. */
    static BigDecimal round(BigDecimal exact) {
        BigDecimal abs = exact.abs();
        int e = (int) Math.floor((abs.unscaledValue().bitLength() - 1) - abs.scale() * LOG2_10);
        // correct the estimate so that 2^e <= abs < 2^(e+1)
        while (scaleByPowerOfTwo(BigDecimal.ONE, e).compareTo(abs) > 0) {
            e--;
        }
        while (scaleByPowerOfTwo(BigDecimal.ONE, e + 1).compareTo(abs) <= 0) {
            e++;
        }
        if (e > MAX_EXPONENT) {
            return null;
        }
        // below the normal range (subnormals) fewer mantissa bits are left
        int shift = e < MIN_EXPONENT + MANTISSA_BITS - 1 ? -MIN_EXPONENT : MANTISSA_BITS - 1 - e;
        BigDecimal scaled = scaleByPowerOfTwo(abs, shift);
        BigInteger mantissa = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        if (mantissa.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal result = scaleByPowerOfTwo(new BigDecimal(mantissa), -shift);
        if (result.compareTo(scaleByPowerOfTwo(BigDecimal.ONE, MAX_EXPONENT + 1)) >= 0) {
            return null;
        }
        return exact.signum() < 0 ? result.negate() : result;
    }

    private static BigDecimal scaleByPowerOfTwo(BigDecimal v, int power) {
        if (power >= 0) {
            return v.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(power)));
        }
        // 2^-n = 5^n / 10^n, exact
        return v.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-power))).movePointLeft(-power);
    }
}
