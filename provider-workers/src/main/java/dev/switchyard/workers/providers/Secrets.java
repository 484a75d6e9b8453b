package dev.switchyard.workers.providers;

/** Keeps API keys out of messages that end up in logs, events and client errors. */
public final class Secrets {
    private Secrets() {
    }

    /** {@code text} with every occurrence of {@code secret} (and of its longer prefixes/suffixes) masked. */
    public static String redact(String text, String secret) {
        if (text == null || secret == null || secret.length() < 6) {
            return text;
        }
        String result = text.replace(secret, "***");
        // Providers echo keys partially ("Incorrect API key provided: sk-abc...xyz"); mask long fragments too.
        int fragment = Math.min(12, secret.length() - 2);
        if (fragment >= 8) {
            result = result.replace(secret.substring(0, fragment), "***").replace(secret.substring(secret.length() - fragment), "***");
        }
        return result;
    }
}
