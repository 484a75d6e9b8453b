package dev.switchyard.workers.providers;

import dev.switchyard.workers.providers.anthropic.AnthropicMessagesAdapter;
import dev.switchyard.workers.providers.http.UpstreamHttp;
import dev.switchyard.workers.providers.openai.OpenAiChatAdapter;
import dev.switchyard.workers.providers.responses.OpenAiResponsesAdapter;

import java.util.EnumMap;
import java.util.Map;

/** The adapter for each wire protocol; a new protocol (native Gemini, say) is one more entry here. */
public final class ProviderAdapters {
    private final Map<ProviderProtocol, ProviderAdapter> adapters = new EnumMap<>(ProviderProtocol.class);

    public ProviderAdapters(UpstreamHttp http) {
        this(Map.of(ProviderProtocol.OPENAI_CHAT, new OpenAiChatAdapter(http),
                ProviderProtocol.ANTHROPIC_MESSAGES, new AnthropicMessagesAdapter(http),
                ProviderProtocol.OPENAI_RESPONSES, new OpenAiResponsesAdapter(http)));
    }

    public ProviderAdapters(Map<ProviderProtocol, ProviderAdapter> adapters) {
        this.adapters.putAll(adapters);
    }

    public ProviderAdapter forProtocol(ProviderProtocol protocol) {
        ProviderAdapter adapter = adapters.get(protocol);
        if (adapter == null) {
            throw new IllegalArgumentException("no adapter for " + protocol);
        }
        return adapter;
    }
}
