package dev.switchyard.core.catalog;

/** The upstream API a model is called through. */
public enum ApiKind {
    OPENAI_CHAT("openai-chat"),
    OPENAI_RESPONSES("openai-responses"),
    ANTHROPIC_MESSAGES("anthropic-messages");

    private final String wireName;

    ApiKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static ApiKind fromWireName(String name) {
        for (ApiKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown api kind '" + name + "' (expected openai-chat, openai-responses or anthropic-messages)");
    }
}
