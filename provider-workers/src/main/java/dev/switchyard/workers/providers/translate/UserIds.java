package dev.switchyard.workers.providers.translate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The sticky user id as OpenAI takes it ({@code user} / {@code safety_identifier}: at most 64 characters, and OpenAI
 * recommends a hash rather than anything identifying). Claude Code's {@code metadata.user_id} is a JSON document of
 * about 150 characters: longer ids are sent as their SHA-256, stable per user.
 */
public final class UserIds {
    public static final int OPENAI_MAX = 64;

    private UserIds() {
    }

    public static String forOpenAi(String userId) {
        if (userId == null || userId.length() <= OPENAI_MAX) {
            return userId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest); // 64 hex characters
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }
}
