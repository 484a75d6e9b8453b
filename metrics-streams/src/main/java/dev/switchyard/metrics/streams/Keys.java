package dev.switchyard.metrics.streams;

/**
 * Keys of stores and internal topics. Ids are joined with a NUL character, which no router, route, variant,
 * metric or user id contains in practice, so that {@code a|b} and {@code a}{@code |b} never collide.
 */
final class Keys {
    static final char SEP = '\u0000';

    private Keys() {
    }

    static String join(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append(SEP);
            }
            sb.append(parts[i] == null ? "" : parts[i]);
        }
        return sb.toString();
    }

    static String routerUser(String routerId, String userId) {
        return join("u", routerId, userId);
    }
}
