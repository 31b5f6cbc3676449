package io.cinnabar.protocol.bytes;

/**
 * Glob-style matching exactly as Redis's {@code stringmatchlen} (util.c), used by KEYS, SCAN MATCH, CONFIG GET
 * and later PSUBSCRIBE: {@code *}, {@code ?}, {@code [a-z]}, {@code [^...]}, {@code \} escapes, with the same
 * treatment of malformed patterns and the same early exit that keeps {@code a*a*a*...b} from going exponential.
 *
 * <p>Ported from Redis 7.0's util.c, Copyright (c) 2009-2012 Salvatore Sanfilippo, BSD-3-Clause; see NOTICE.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(byte[] pattern, byte[] string, boolean nocase) {
        return matches(pattern, string, 0, string.length, nocase);
    }

    public static boolean matches(byte[] pattern, byte[] string, int off, int len, boolean nocase) {
        boolean[] skipLongerMatches = new boolean[1];
        return match(pattern, 0, pattern.length, string, off, len, nocase, skipLongerMatches);
    }

    /** True when the pattern is a plain {@code *}, which callers can skip matching for. */
    public static boolean matchesEverything(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private static byte at(byte[] a, int i, int end) {
        return i < end ? a[i] : 0; // C strings end with NUL; reads past the end see it
    }

    private static boolean match(byte[] pat, int p, int patEnd, byte[] str, int s, int strLen, boolean nocase,
                                 boolean[] skipLongerMatches) {
        int patternLen = patEnd - p;
        while (patternLen > 0 && strLen > 0) {
            switch (pat[p]) {
                case '*':
                    while (patternLen > 0 && at(pat, p + 1, patEnd) == '*') {
                        p++;
                        patternLen--;
                    }
                    if (patternLen == 1) {
                        return true;
                    }
                    while (strLen > 0) {
                        if (match(pat, p + 1, patEnd, str, s, strLen, nocase, skipLongerMatches)) {
                            return true;
                        }
                        if (skipLongerMatches[0]) {
                            return false;
                        }
                        s++;
                        strLen--;
                    }
                    skipLongerMatches[0] = true;
                    return false;
                case '?':
                    s++;
                    strLen--;
                    break;
                case '[': {
                    p++;
                    patternLen--;
                    boolean not = at(pat, p, patEnd) == '^';
                    if (not) {
                        p++;
                        patternLen--;
                    }
                    boolean matched = false;
                    while (true) {
                        byte pc = at(pat, p, patEnd);
                        if (pc == '\\' && patternLen >= 2) {
                            p++;
                            patternLen--;
                            if (at(pat, p, patEnd) == str[s]) {
                                matched = true;
                            }
                        } else if (pc == ']') {
                            break;
                        } else if (patternLen == 0) {
                            p--;
                            patternLen++;
                            break;
                        } else if (patternLen >= 3 && at(pat, p + 1, patEnd) == '-') {
                            int start = pat[p];
                            int end = at(pat, p + 2, patEnd);
                            int c = str[s];
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            p += 2;
                            patternLen -= 2;
                            if (c >= start && c <= end) {
                                matched = true;
                            }
                        } else if (!nocase ? pc == str[s] : lower(pc) == lower(str[s])) {
                            matched = true;
                        }
                        p++;
                        patternLen--;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    s++;
                    strLen--;
                    break;
                }
                case '\\':
                    if (patternLen >= 2) {
                        p++;
                        patternLen--;
                    }
                    if (!charMatches(pat[p], str[s], nocase)) {
                        return false;
                    }
                    s++;
                    strLen--;
                    break;
                default:
                    if (!charMatches(pat[p], str[s], nocase)) {
                        return false;
                    }
                    s++;
                    strLen--;
                    break;
            }
            p++;
            patternLen--;
            if (strLen == 0) {
                while (at(pat, p, patEnd) == '*') {
                    p++;
                    patternLen--;
                }
                break;
            }
        }
        return patternLen == 0 && strLen == 0;
    }

    private static boolean charMatches(byte p, byte c, boolean nocase) {
        return nocase ? lower(p) == lower(c) : p == c;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
