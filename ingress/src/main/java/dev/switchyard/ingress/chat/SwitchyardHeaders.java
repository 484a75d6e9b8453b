package dev.switchyard.ingress.chat;

import dev.switchyard.events.Attempt;

import java.util.List;
import java.util.stream.Collectors;

/** Names and values of the {@code x-switchyard-*} headers, the same for every client protocol. */
public final class SwitchyardHeaders {
    public static final String REQUEST_ID = "x-switchyard-request-id";
    public static final String ROUTER = "x-switchyard-router";
    public static final String ROUTE = "x-switchyard-route";
    public static final String VARIANT = "x-switchyard-variant";
    public static final String ATTEMPTS = "x-switchyard-attempts";
    /** Request header: the sticky user when the body names none. */
    public static final String USER = "x-switchyard-user";
    /** Request header prefix: {@code x-switchyard-metadata-<key>: <value>} is routing metadata. */
    public static final String METADATA_PREFIX = "x-switchyard-metadata-";

    private SwitchyardHeaders() {
    }

    /** {@code openai/gpt-5.2:error:500,anthropic/claude-haiku-4-5:ok}: each attempt's model and outcome, the status when it failed. */
    public static String attempts(List<Attempt> attempts) {
        return attempts.stream().map(a -> {
            String item = a.getModelId() + ":" + a.getOutcome();
            if (a.getHttpStatus() != null && !"ok".equals(a.getOutcome())) {
                item += ":" + a.getHttpStatus();
            }
            return item;
        }).collect(Collectors.joining(","));
    }
}
