package dev.switchyard.schemas;

import java.util.List;

/** Names of every topic Switchyard uses: the contract between services (see DESIGN.md, "Topics and events"). */
public final class Topics {
    public static final String ROUTER_CONFIGS = "router.configs";
    public static final String ROUTER_VERSIONS = "router.versions";
    public static final String REQUESTS = "llm.requests";
    public static final String DISPATCH = "llm.dispatch";
    public static final String REPLIES = "llm.replies";
    public static final String CONTROL = "llm.control";
    public static final String COMPLETIONS = "llm.completions";
    public static final String FEEDBACK = "llm.feedback";
    public static final String PROVIDER_HEALTH = "provider.health";

    /** Topics whose records are the latest state per key. */
    public static final List<String> COMPACTED = List.of(ROUTER_CONFIGS, ROUTER_VERSIONS, PROVIDER_HEALTH);

    public static final List<String> ALL = List.of(
            ROUTER_CONFIGS, ROUTER_VERSIONS, REQUESTS, DISPATCH, REPLIES, CONTROL, COMPLETIONS, FEEDBACK, PROVIDER_HEALTH);

    /** Confluent's TopicNameStrategy: the subject under which a topic's value schema is registered. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    private Topics() {
    }
}
