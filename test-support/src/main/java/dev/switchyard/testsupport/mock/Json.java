package dev.switchyard.testsupport.mock;

import java.util.concurrent.ThreadLocalRandom;

/** Small helpers to render JSON by hand (cheaper than a tree per chunk). */
final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] ALNUM =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Json() {
    }

    /** Appends {@code s} as a quoted JSON string ({@code null} as {@code null}). */
    static StringBuilder str(StringBuilder sb, String s) {
        if (s == null) {
            return sb.append("null");
        }
        sb.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x2028 -> sb.append("\\u2028");
                case 0x2029 -> sb.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    static String quote(String s) {
        return str(new StringBuilder(s == null ? 4 : s.length() + 8), s).toString();
    }

    static String randomId(String prefix, int len) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(prefix.length() + len).append(prefix);
        for (int i = 0; i < len; i++) {
            sb.append(ALNUM[r.nextInt(ALNUM.length)]);
        }
        return sb.toString();
    }
}
