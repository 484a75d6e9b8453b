package dev.switchyard.workers.providers.openai;

import java.util.Map;
import java.util.Set;

/**
 * What an OpenAI-compatible host refuses that OpenAI accepts, so the request builder can drop or rename it (with a note)
 * instead of the host failing the request: Mistral rejects unknown fields ("Extra inputs are not permitted"), has no
 * {@code stream_options} or {@code max_completion_tokens}, and calls the seed {@code random_seed}; OpenAI platform
 * features (stored completions, service tiers, prompt cache keys, ...) mean nothing to other hosts.
 *
 * @param unsupported    body fields the host rejects: dropped, noted
 * @param renamed        body fields the host names differently
 * @param streamOptions  whether it takes {@code stream_options.include_usage}
 * @param maxCompletionTokens whether it takes {@code max_completion_tokens} (else {@code max_tokens} is sent)
 */
public record HostQuirks(Set<String> unsupported, Map<String, String> renamed, boolean streamOptions, boolean maxCompletionTokens) {
    /** OpenAI platform features other hosts don't have. */
    private static final Set<String> OPENAI_PLATFORM = Set.of("store", "service_tier", "prompt_cache_key",
            "prompt_cache_retention", "safety_identifier", "verbosity", "prediction", "web_search_options", "modalities", "audio");

    public static final HostQuirks NONE = new HostQuirks(Set.of(), Map.of(), true, true);

    public static HostQuirks of(String providerId) {
        return switch (providerId) {
            case "openai", "azure", "openrouter" -> NONE;
            case "mistral" -> new HostQuirks(union(OPENAI_PLATFORM, Set.of("user", "logit_bias", "logprobs", "top_logprobs",
                    "reasoning_effort")), Map.of("seed", "random_seed"), false, false);
            case "groq" -> new HostQuirks(union(OPENAI_PLATFORM, Set.of("logprobs", "top_logprobs", "logit_bias")), Map.of(), true, true);
            default -> new HostQuirks(OPENAI_PLATFORM, Map.of(), true, true);
        };
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
