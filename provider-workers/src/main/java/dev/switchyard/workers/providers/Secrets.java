package dev.switchyard.workers.providers;

import java.util.regex.Pattern;

/** Keeps API keys out of messages that end up in logs, events and client errors. */
public final class Secrets {
    /** A key a provider echoes masked ("sk-proj-abcd****...wxyz"): its visible ends are still part of the key. */
    private static final Pattern MASKED_KEY = Pattern.compile("[\\w-]*\\*{4,}[\\w-]*");

    private Secrets() {
    }

    /** {@code text} with every occurrence of {@code secret} (and of its longer prefixes/suffixes) and of masked keys masked. */
    public static String redact(String text, String secret) {
        if (text == null) {
            return null;
        }
        String masked = MASKED_KEY.matcher(text).replaceAll("***");
        if (secret == null || secret.length() < 6) {
            return masked;
        }
        String result = masked.replace(secret, "***");
        // Providers echo keys partially ("Incorrect API key provided: sk-abc...xyz"); mask long fragments too.
        int fragment = Math.min(12, secret.length() - 2);
        if (fragment >= 8) {
            result = result.replace(secret.substring(0, fragment), "***").replace(secret.substring(secret.length() - fragment), "***");
        }
        return result;
    }
}
